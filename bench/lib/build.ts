/**
 * The load generators run as plain ESM bundled once per bench run (esbuild), not through tsx:
 * a load process then starts in a fraction of the CPU time, which matters when dozens of them
 * start on a 2-core machine. `ws` stays external and resolves from the repo's node_modules.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './proc.ts';

export type LoadGenerator = 'echo-load' | 'fanout-load' | 'conn-load' | 'large-load' | 'deflate-load';
const NAMES: LoadGenerator[] = ['echo-load', 'fanout-load', 'conn-load', 'large-load', 'deflate-load'];
// One folder per harness process, so two bench runs at once never overwrite each other's bundles.
const OUT_DIR = join(REPO_ROOT, 'bench', '.build', String(process.pid));

let built: Promise<void> | undefined;

export async function loadGeneratorScript(name: LoadGenerator): Promise<string> {
  built ??= (async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    process.on('exit', () => rmSync(OUT_DIR, { recursive: true, force: true }));
    await build({
      entryPoints: NAMES.map((n) => join(REPO_ROOT, 'bench', 'load', `${n}.ts`)),
      outdir: OUT_DIR,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['ws'],
      logLevel: 'error',
    });
  })();
  await built;
  return join(OUT_DIR, `${name}.mjs`);
}
