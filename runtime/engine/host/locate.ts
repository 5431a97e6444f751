/**
 * Where the handler-host worker script is. An exported service passes its bundled
 * `handler-host.mjs`. From source, worker.ts is bundled once with esbuild into a cache file
 * (keyed by the sources' content): a worker then starts in a few hundred ms instead of the
 * second or more that loading TypeScript through tsx costs — which matters every time a stuck
 * worker is replaced. If bundling fails for any reason, the tsx entry (entry.mjs) is used.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST_DIR = fileURLToPath(new URL('.', import.meta.url));
const ENTRY = new URL('./entry.mjs', import.meta.url);
let cached: Promise<URL> | undefined;

async function sourceKey(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(HOST_DIR)).filter((f) => f.endsWith('.ts')).sort();
  for (const f of files) hash.update(f).update(await readFile(join(HOST_DIR, f)));
  const esbuild = await import('esbuild');
  hash.update(esbuild.version).update(process.version);
  return hash.digest('hex').slice(0, 16);
}

async function bundle(): Promise<URL> {
  const dir = join(tmpdir(), 'wsflow-handler-host');
  const file = join(dir, `${await sourceKey()}.mjs`);
  try {
    await stat(file);
    return pathToFileURL(file);
  } catch {
    // not built yet
  }
  await mkdir(dir, { recursive: true });
  const { build } = await import('esbuild');
  const partial = `${file}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(HOST_DIR, 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: partial,
    logLevel: 'silent',
  });
  await rename(partial, file); // atomic: concurrent engines never load a half-written file
  return pathToFileURL(file);
}

export function defaultHostWorkerUrl(): Promise<URL> {
  cached ??= bundle().catch(() => ENTRY);
  return cached;
}
