/**
 * Error codes are a contract (tools and the designer match on them): every `WSF_*` code the
 * product's source mentions has an entry in docs/errors/*.md, and every documented code still
 * exists in the source.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const SOURCE_DIRS = ['runtime', 'renderer/src', 'electron', 'bin'];
/** A whole code: `WSF_EXPORT_*` in a comment names a family, not a code. */
const CODE = /\bWSF_[A-Z0-9_]*[A-Z0-9]\b(?!_)/g;

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** code -> first `file:line` that mentions it. */
function codesIn(paths: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const path of paths) {
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const [code] of line.matchAll(CODE)) if (!found.has(code)) found.set(code, `${relative(REPO_ROOT, path)}:${i + 1}`);
      });
  }
  return found;
}

const inSource = codesIn(SOURCE_DIRS.flatMap((dir) => files(dir, /\.(ts|tsx|mts|mjs|json)$/)));
const inDocs = codesIn(files('docs/errors', /\.md$/));

describe('error codes', () => {
  it('finds the codes it checks (the scan works)', () => {
    expect(inSource.size).toBeGreaterThan(40);
    expect(inSource.has('WSF_SNIPPET_THROW')).toBe(true);
  });

  it('every code in the source has an entry in docs/errors/*.md', () => {
    const missing = [...inSource].filter(([code]) => !inDocs.has(code)).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
  });

  it('every documented code is still raised somewhere', () => {
    const stale = [...inDocs].filter(([code]) => !inSource.has(code)).map(([code, where]) => `${code} (${where})`);
    expect(stale).toEqual([]);
  });
});
