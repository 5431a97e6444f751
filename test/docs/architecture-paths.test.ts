/**
 * docs/architecture.md names files and folders of the repo in backticks and links; each must
 * exist. A bare name (`engine.ts`, `host/worker.ts`) is looked up in the folders the page talks
 * about; a name with a glob (`docs/errors/*.md`) must match something.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = 'docs/architecture.md';
/** Where a bare or partial name in the page may live (the engine section names files of runtime/engine/ by their bare names). */
const BASES = ['', 'runtime/', 'runtime/engine/', 'runtime/export/', 'test/helpers/', 'docs/'];
/** Words in the page that look like paths but are not files of the repo: examples of a file to write, a lint rule, a package entry, a file of an exported service. */
const NOT_PATHS = new Set(['runtime/model/kinds/my-kind.ts', 'runtime/connectors/kinds/my-kind.ts', 'import-x/no-cycle', 'wsflow/sdk', 'server.mjs']);

function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(ROOT, path));
  const dir = dirname(path);
  const pattern = new RegExp(`^${path.slice(dir.length + 1).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
  return existsSync(join(ROOT, dir)) && readdirSync(join(ROOT, dir)).some((f) => pattern.test(f));
}

/** Backticked words that look like repo paths (a known extension, or a folder with a slash), and link targets. */
function namedPaths(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const word = m[1] ?? '';
    if (/^\w[\w.*-]*(\/[\w.*-]+)*\/?$/.test(word) && (/\.(ts|tsx|js|mjs|cjs|json|md|yaml)$/.test(word) || (word.includes('/') && !word.startsWith('/')))) names.add(word);
  }
  for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
    const target = m[1] ?? '';
    if (!/^[a-z]+:/.test(target)) names.add(target);
  }
  return [...names].filter((n) => !NOT_PATHS.has(n));
}

it('every path docs/architecture.md names exists', () => {
  const text = readFileSync(join(ROOT, DOC), 'utf8');
  const names = namedPaths(text);
  expect(names.length).toBeGreaterThan(40);
  const missing = names.filter((n) => !BASES.some((base) => exists(`${base}${n}`)));
  expect(missing).toEqual([]);
});

it('the check sees a file that is not there', () => {
  const missing = namedPaths('the listener (`connection-listener.ts`) and [a page](gone.md)').filter((n) => !BASES.some((base) => exists(`${base}${n}`)));
  expect(missing).toEqual(['connection-listener.ts', 'gone.md']);
});
