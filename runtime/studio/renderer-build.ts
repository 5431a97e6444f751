/**
 * Makes sure `dist/renderer` is built and newer than its sources: `npm start`, `wsflow studio` and
 * the browser tests all call it, so a fresh clone needs no separate build step. A lock folder keeps
 * two callers (e.g. two test files) from building at once. A packaged app has no renderer sources
 * and is left alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_INDEX = path.join(REPO, 'dist/renderer/index.html');
const SOURCES = ['renderer', 'runtime/model', 'runtime/lowcode', 'runtime/api', 'runtime/studio/protocol.ts'];

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

/** Builds the renderer when it is missing or stale; `announce` is told before a build starts. */
export async function ensureRendererBuilt(announce?: (line: string) => void): Promise<void> {
  if (!existsSync(path.join(REPO, 'renderer')) || rendererIsFresh()) return;
  const vite = path.join(REPO, 'node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) throw new Error('the designer is not built and vite is not installed; run `npm ci` first');
  announce?.('building the designer (only after an install or a change to renderer/; about 30 s)...');
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
        execFileSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], {
          cwd: REPO,
          // vitest sets NODE_ENV=test, which would give a development build of React.
          env: { ...process.env, NODE_ENV: 'production' },
          stdio: ['ignore', 'ignore', 'inherit'],
          timeout: 240_000,
        });
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
}
