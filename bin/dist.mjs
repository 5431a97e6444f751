#!/usr/bin/env node
// `npm run dist`: package the desktop app (AppImage + deb on Linux, dmg on macOS, nsis on
// Windows) into release/. Builds the renderer and the preload, then runs electron-builder with
// electron-builder.yml. Needs the Electron binary; without it, says so in one sentence and exits 1.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const { DIST_MESSAGE, findElectronPackage, probeElectron } = await import('../electron/launch.ts');

const packageDir = findElectronPackage(root);
const probe = probeElectron({ env: process.env, platform: process.platform, packageDir });
if (!probe.available) {
  process.stderr.write(`${DIST_MESSAGE}\n`);
  process.exit(1);
}

/** Run a command in the repo, streaming its output; resolves to its exit code. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`npm run dist: could not run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

try {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if ((await run(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts'])) !== 0) {
    process.stderr.write('npm run dist: the renderer build failed (see above); nothing was packaged.\n');
    process.exit(1);
  }
  const { buildPreload } = await import('../electron/build.ts');
  await buildPreload(root);
  const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
  // electron-builder.yml is electron-builder's default config file; -c.key=value overrides one key.
  const args = [builder, '--publish', 'never', ...process.argv.slice(2)];
  // Reuse the installed Electron instead of downloading it again (same platform builds only).
  if (probe.source === 'package' && packageDir) args.push(`-c.electronDist=${join(packageDir, 'dist')}`);
  process.exit(await run(process.execPath, args));
} catch (error) {
  process.stderr.write(`npm run dist: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
