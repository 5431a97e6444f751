#!/usr/bin/env node
// `npm start [-- FILE]`: the desktop app when the Electron binary is installed; otherwise one
// sentence saying so, and the browser studio (as `wsflow studio`) instead.
//   --browser         use the browser studio even when Electron is installed
//   --no-open         do not try to open a browser (fallback only)
//   --exit-after-url  print the studio URL, then stop (tests; also WSFLOW_START_EXIT_AFTER_URL=1)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const flags = new Set(argv.filter((a) => a.startsWith('--')));
const files = argv.filter((a) => !a.startsWith('--'));
const exitAfterUrl = flags.has('--exit-after-url') || process.env.WSFLOW_START_EXIT_AFTER_URL === '1';

const { FALLBACK_MESSAGE, findElectronPackage, probeElectron } = await import('../electron/launch.ts');

try {
  const probe = flags.has('--browser')
    ? { available: false, reason: '--browser' }
    : probeElectron({ env: process.env, platform: process.platform, packageDir: findElectronPackage(root) });
  process.exitCode = probe.available ? await runElectron(probe.binary) : await runBrowserStudio(probe.reason === '--browser');
} catch (error) {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

async function runElectron(binary) {
  const { ensureRendererBuilt } = await import('../runtime/studio/renderer-build.ts');
  await ensureRendererBuilt((line) => process.stderr.write(`npm start: ${line}\n`));
  const { buildPreload } = await import('../electron/build.ts');
  await buildPreload(root);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would make the binary a plain Node and ignore the app
  const child = spawn(binary, [root, ...files], { stdio: 'inherit', env });
  return await new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`npm start: could not start Electron (${binary}): ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function runBrowserStudio(chosen) {
  if (!chosen) process.stdout.write(`${FALLBACK_MESSAGE}\n`);
  if (files.length > 1) throw new Error('give at most one flow file');
  const { ensureRendererBuilt } = await import('../runtime/studio/renderer-build.ts');
  await ensureRendererBuilt((line) => process.stderr.write(`npm start: ${line}\n`));
  const { startStudio } = await import('../runtime/studio/server.ts');
  let handle;
  try {
    handle = await startStudio({
      port: 0,
      host: '127.0.0.1',
      ...(files[0] ? { file: files[0] } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    if (error && error.code === 'WSF_STUDIO_NOT_FOUND') {
      process.stderr.write(`npm start: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stdout.write(`wsflow studio: open ${handle.url}\n`);
  if (exitAfterUrl) {
    await handle.close();
    return 0;
  }
  if (!flags.has('--no-open')) openBrowser(handle.url);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  return 0;
}

/** Best effort: a machine without a desktop (or an opener) just keeps the printed URL. */
function openBrowser(url) {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]]
    : ['xdg-open', [url]];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the URL is printed.
  }
}
