/**
 * Same flow, same bytes: two exports into different folders are byte-identical, bundle included,
 * and nothing in them depends on where the repository or the output folder lives.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { exportToTemp, removeExport } from './exported.ts';
import { loadSample } from './fixtures.ts';

function tree(root: string, dir = root): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) for (const [k, v] of tree(root, path)) out.set(k, v);
    else out.set(relative(root, path), readFileSync(path));
  }
  return out;
}

describe('deterministic export', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeExport));

  it('exporting the notifications sample twice gives byte-identical folders, server.mjs included', async () => {
    const flow = loadSample('notifications');
    const a = await exportToTemp(flow, 'det-a');
    const b = await exportToTemp(flow, 'det-b');
    dirs.push(a, b);
    const first = tree(a);
    const second = tree(b);
    expect([...second.keys()]).toEqual([...first.keys()]);
    expect(first.has('server.mjs') && first.has('handler-host.mjs')).toBe(true);
    for (const [path, bytes] of first) {
      expect(Buffer.compare(bytes, second.get(path)!), `${path} differs between two exports`).toBe(0);
      const text = bytes.toString('utf8');
      expect(text.includes(REPO_ROOT), `${path} contains the repository path`).toBe(false);
      expect(text.includes(a), `${path} contains the output path`).toBe(false);
      expect(/20\d\d-\d\d-\d\dT\d\d:\d\d/.test(text), `${path} contains a timestamp`).toBe(false);
    }
  }, 120_000);
});
