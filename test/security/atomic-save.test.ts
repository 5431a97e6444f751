/**
 * Saves that replace a file atomically (the studio's flow saves, the desktop shell's state files)
 * keep the file's permission bits and leave no temp file behind when they fail, and the next save
 * of a file sweeps the temp files a crash left of it: only its own, only old ones. (The folder
 * fsync after the rename is not observable from a test; docs/security.md names it.)
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWrite } from '../../runtime/studio/files.ts';
import { writeFileAtomic, writeFileAtomicSync } from '../../electron/atomic-file.ts';
import { STALE_TEMP_MS } from '../../runtime/studio/stale-temps.ts';

const dir = mkdtempSync(join(tmpdir(), 'wsflow-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writers: [string, (path: string, text: string) => Promise<void>][] = [
  ['studio atomicWrite', atomicWrite],
  ['electron writeFileAtomic', writeFileAtomic],
  // async: a throw becomes a rejection, like the others'.
  ['electron writeFileAtomicSync', async (p, t) => writeFileAtomicSync(p, t)],
];

describe.each(writers)('%s', (name, write) => {
  const sub = join(dir, name.replace(/\W+/g, '-'));
  mkdirSync(sub);

  it('keeps a 0600 file 0600 (and a 0640 one 0640)', async () => {
    for (const mode of [0o600, 0o640]) {
      const file = join(sub, `private-${mode.toString(8)}.wsflow.yaml`);
      writeFileSync(file, 'old');
      chmodSync(file, mode);
      await write(file, 'new');
      expect(readFileSync(file, 'utf8')).toBe('new');
      expect(statSync(file).mode & 0o777).toBe(mode);
    }
  });

  it('leaves no temp file when the write fails', async () => {
    const file = join(sub, 'fails.wsflow.yaml');
    writeFileSync(file, 'old');
    // Not a string: the write throws after the temp file was created.
    await expect(write(file, 42 as unknown as string)).rejects.toThrow();
    // A folder where the file should be: the rename fails.
    const folder = join(sub, 'is-a-folder.wsflow.yaml');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'inside'), 'x');
    await expect(write(folder, 'text')).rejects.toThrow();
    expect(readdirSync(sub).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('old');
  });
});

/** A file named `name` in `folder`, last modified `ageMs` ago. */
function leftover(folder: string, name: string, ageMs: number): void {
  const file = join(folder, name);
  writeFileSync(file, 'half a save');
  const at = (Date.now() - ageMs) / 1000;
  utimesSync(file, at, at);
}

/** Each writer with the temp names it makes: `hex` stands for its random part. */
const crashLeftovers: [string, (path: string, text: string) => Promise<void>, (base: string, hex: string) => string, string, string][] = [
  ['studio atomicWrite', atomicWrite, (base, hex) => `.${base}.${hex}.tmp`, '0123456789ab', 'ba9876543210'],
  ['electron writeFileAtomic', writeFileAtomic, (base, hex) => `${base}.4242.${hex}.tmp`, '89abcdef', 'fedcba98'],
];

describe.each(crashLeftovers)('%s after a crash', (name, write, tempName, hex, otherHex) => {
  it("sweeps the old temp files of the file it saves, never a fresh one or another file's", async () => {
    const sub = join(dir, `crash-${name.replace(/\W+/g, '-')}`);
    mkdirSync(sub);
    const old = STALE_TEMP_MS + 60_000;
    const base = 'flow.wsflow.yaml';
    writeFileSync(join(sub, base), 'old');
    leftover(sub, tempName(base, hex), old);
    // A save in progress (fresh), another file's leftover, names that only look alike, a folder.
    const kept = [tempName('other.wsflow.yaml', hex), `${base}.tmp`, `.${base}.not-hex-at-all.tmp`, `${tempName(base, hex)}.bak`];
    leftover(sub, tempName(base, otherHex), 0);
    for (const other of kept) leftover(sub, other, old);
    const folder = tempName(base, 'a'.repeat(hex.length));
    mkdirSync(join(sub, folder));
    await write(join(sub, base), 'new');
    expect(readFileSync(join(sub, base), 'utf8')).toBe('new');
    expect(readdirSync(sub).sort()).toEqual([base, tempName(base, otherHex), folder, ...kept].sort());
  });
});
