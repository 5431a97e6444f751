/**
 * `wsflow studio [--port N] [--env-file F] [FILE]`: serve the designer on 127.0.0.1 and print its
 * URL (with the per-launch token). `--env-file` is read as by `wsflow run` (the real environment
 * wins) and is the environment of the runs started in the designer. Runs until SIGINT/SIGTERM,
 * then stops any running flow and exits 0.
 * A FILE that does not exist yet (`NAME.wsflow.yaml` in an existing folder) is created with a
 * starter flow first, and the command says so.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureRendererBuilt } from '../../studio/renderer-build.ts';
import { startStudio } from '../../studio/server.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_OK, portOption } from '../errors.ts';
import { readEnvFile } from '../env-file.ts';

export async function studio(file: string | undefined, options: { port?: string; open?: boolean; envFile?: string }): Promise<number> {
  const port = portOption(options.port) ?? 0;
  // Read before anything starts, so a wrong --env-file is a clear error, not a studio without it.
  const envFile = options.envFile === undefined ? undefined : { path: options.envFile, values: readEnvFile(options.envFile) };
  if (file && !existsSync(file)) createStarter(file);
  await ensureRendererBuilt((line) => process.stderr.write(`wsflow studio: ${line}\n`));
  let handle;
  try {
    handle = await startStudio({ port, ...(file ? { file } : {}), ...(envFile ? { envFile } : {}), log: (line) => process.stderr.write(`${line}\n`) });
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

/** A flow that validates and runs: an upgrader at /NAME, a service, and an echoing onText handler. */
export function starterFlow(name: string): string {
  return `# A starter flow made by \`wsflow studio\`: edit it in the designer.
wsflow: 1
name: ${name}
version: 0.1.0
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 40 }
    basePath: /${name}
  - id: service
    type: service
    position: { x: 320, y: 40 }
  - id: on-text
    type: onText
    position: { x: 640, y: 40 }
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send(text);
      }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-text }
`;
}

function createStarter(file: string): void {
  const base = path.basename(file);
  if (!/\.wsflow\.ya?ml$/.test(base)) {
    throw new CliError(`${file}: no such file (a new flow file is created only for a name ending in .wsflow.yaml)`, EXIT_BAD_INPUT);
  }
  const dir = path.dirname(file);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new CliError(`${file}: the folder ${dir} does not exist`, EXIT_BAD_INPUT);
  // A machine name (lower case, digits, "-") from the file name, as the flow format asks.
  const name = base.replace(/\.wsflow\.ya?ml$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '') || 'my-service';
  writeFileSync(file, starterFlow(name), { flag: 'wx' });
  process.stdout.write(`wsflow studio: ${file} did not exist; created it with a starter flow (upgrader /${name}, service, onText echo)\n`);
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
