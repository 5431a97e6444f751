/**
 * Keeps the directions of the house true (STYLE.md): the flow model is pure and shared by the
 * browser, the renderer never reaches the engine or Node, and the engine knows nothing about the
 * studio, the CLI or Electron. A forbidden import fails here with the file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

interface ImportSite {
  file: string;
  line: number;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  const root = join(REPO_ROOT, dir);
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(root, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(path).isDirectory()) files.push(...sourceFiles(relative(REPO_ROOT, path)));
    else if (/\.(ts|tsx|mts|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(dir: string): ImportSite[] {
  const sites: ImportSite[] = [];
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier) continue;
      const line = text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
      sites.push({ file: relative(REPO_ROOT, file), line, specifier });
    }
  }
  return sites;
}

/** Repository-relative folder an import resolves into, or the bare package name. */
function target(site: ImportSite): string {
  if (!site.specifier.startsWith('.')) return site.specifier;
  return relative(REPO_ROOT, resolve(REPO_ROOT, dirname(site.file), site.specifier));
}

function violations(dir: string, forbidden: (site: ImportSite, to: string) => boolean): string[] {
  return importsOf(dir)
    .filter((site) => forbidden(site, target(site)))
    .map((site) => `${site.file}:${site.line} imports ${site.specifier}`);
}

describe('import directions', () => {
  it('finds the imports it checks (the scanner itself works)', () => {
    const sites = importsOf('runtime/model');
    expect(sites.length).toBeGreaterThan(0);
    expect(sites.some((site) => site.specifier === 'yaml' || site.specifier.startsWith('./'))).toBe(true);
  });

  it('runtime/model is pure: no node: modules, nothing from engine, export, studio, cli or check', () => {
    expect(
      violations('runtime/model', (site, to) => {
        if (site.specifier.startsWith('node:') || ['fs', 'path', 'os', 'http', 'child_process', 'ws'].includes(site.specifier)) return true;
        return site.specifier.startsWith('.') && !to.startsWith('runtime/model') && !to.startsWith('runtime/api');
      }),
    ).toEqual([]);
  });

  it('the engine knows nothing of the studio, the CLI, the exporters or Electron', () => {
    expect(
      violations('runtime/engine', (site, to) =>
        ['runtime/studio', 'runtime/cli', 'runtime/export', 'renderer', 'electron'].some((dir) => to.startsWith(dir)) ||
        site.specifier === 'electron',
      ),
    ).toEqual([]);
  });

  it('runtime/lowcode (the chain compiler) is pure and uses only the model', () => {
    expect(
      violations('runtime/lowcode', (site, to) => !site.specifier.startsWith('.') || !(to.startsWith('runtime/model') || to.startsWith('runtime/lowcode'))),
    ).toEqual([]);
  });

  it('the renderer never reaches the engine, the file system or Electron directly', () => {
    expect(
      violations('renderer', (site, to) => {
        if (site.specifier.startsWith('node:') || site.specifier === 'electron' || site.specifier === 'ws') return true;
        if (!site.specifier.startsWith('.')) return false;
        if (to.startsWith('renderer')) return false;
        // Shared, environment-free contracts only: the model, the handler API and the studio protocol.
        return !(to.startsWith('runtime/model') || to.startsWith('runtime/api') || to === 'runtime/studio/protocol.ts');
      }),
    ).toEqual([]);
  });
});
