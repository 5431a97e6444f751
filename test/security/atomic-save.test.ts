/**
 * Saves that replace a file atomically (the studio's flow saves, the desktop shell's state files)
 * keep the file's permission bits and leave no temp file behind when they fail. (The folder
 * fsync after the rename is not observable from a test; docs/security.md names it.)
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWrite } from '../../runtime/studio/files.ts';
import { writeFileAtomic, writeFileAtomicSync } from '../../electron/atomic-file.ts';

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
