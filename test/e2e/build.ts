/**
 * Makes sure `dist/renderer` is built and newer than its sources before browser tests run.
 * Used by `global-setup.ts` and by each e2e file's beforeAll (whichever runs first builds; a lock
 * folder keeps two test files from building at once).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_INDEX = path.join(REPO, 'dist/renderer/index.html');
const SOURCES = ['renderer', 'runtime/model', 'runtime/api', 'runtime/studio/protocol.ts'];

function newest(target: string): number {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(path.join(target, entry)));
  }
  return max;
}

export function rendererIsFresh(): boolean {
  const built = statSync(RENDERER_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built > 0 && SOURCES.every((s) => newest(path.join(REPO, s)) <= built);
}

export async function ensureRendererBuilt(): Promise<void> {
  const lock = path.join(REPO, 'dist/.renderer-build-lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (rendererIsFresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than 4 minutes is stale.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another renderer build');
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (!rendererIsFresh()) {
        execFileSync(process.execPath, [path.join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
          cwd: REPO,
          // vitest sets NODE_ENV=test, which would give a development build of React.
          env: { ...process.env, NODE_ENV: 'production' },
          stdio: 'inherit',
          timeout: 240_000,
        });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
}
