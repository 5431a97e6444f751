/**
 * Builds the one file Electron cannot take as TypeScript source: the sandboxed preload, bundled by
 * esbuild into CommonJS with `electron` left as the only require (a sandboxed preload may not load
 * anything else). The main process itself runs from source through tsx (see entry.mjs).
 */
import { build } from 'esbuild';
import { join } from 'node:path';

export const PRELOAD_OUTPUT = join('dist', 'electron', 'preload.cjs');

export async function buildPreload(appRoot: string): Promise<string> {
  const outfile = join(appRoot, PRELOAD_OUTPUT);
  await build({
    entryPoints: [join(appRoot, 'electron', 'preload.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'browser',
    target: 'chrome130',
    external: ['electron'],
    logLevel: 'silent',
    legalComments: 'none',
  });
  return outfile;
}
