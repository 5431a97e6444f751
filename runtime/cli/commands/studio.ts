/**
 * `wsflow studio [--port N] [FILE]`: serve the designer on 127.0.0.1 and print its URL (with the
 * per-launch token). Runs until SIGINT/SIGTERM, then stops any running flow and exits 0.
 */
import { spawn } from 'node:child_process';
import { ensureRendererBuilt } from '../../studio/renderer-build.ts';
import { startStudio } from '../../studio/server.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_OK } from '../errors.ts';

export async function studio(file: string | undefined, options: { port?: string; open?: boolean }): Promise<number> {
  const port = Number(options.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: ${options.port} is not a port number`, EXIT_BAD_INPUT);
  await ensureRendererBuilt((line) => process.stderr.write(`wsflow studio: ${line}\n`));
  let handle;
  try {
    handle = await startStudio({ port, ...(file ? { file } : {}), log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'WSF_STUDIO_NOT_FOUND') throw new CliError(e.message ?? String(error), EXIT_BAD_INPUT);
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} is already in use`, EXIT_BAD_INPUT);
    throw error;
  }
  process.stdout.write(`wsflow studio: open ${handle.url}\n`);
  if (options.open) openBrowser(handle.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
  return EXIT_OK;
}

/** Best effort: a headless machine simply has no opener, and that is fine. */
function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener; the URL is printed.
  }
}
