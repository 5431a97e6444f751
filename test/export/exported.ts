/**
 * Exports a sample into a fresh folder under os.tmpdir() (no node_modules anywhere above it) and
 * starts it the way its Dockerfile would: the CMD read from the Dockerfile, run in the export
 * folder, PORT from the environment, nothing else from this repository's environment.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exportFlow } from '../../runtime/export/index.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { afterAll } from 'vitest';
import { startProcess, type RunningProcess } from '../helpers/cli.ts';
import { loadSample, type AnySample } from './fixtures.ts';

/** Folders above `dir` that hold a node_modules Node could resolve packages from. */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

export async function exportToTemp(
  flow: FlowDocument,
  prefix: string,
  write: (flow: FlowDocument, outDir: string) => Promise<unknown> = (f, outDir) => exportFlow(f, { outDir }),
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `wsflow-${prefix}-`));
  await write(flow, dir);
  return dir;
}

export function removeExport(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The exec-form CMD of the exported Dockerfile, e.g. ["node", "server.mjs"]. */
export function dockerCmd(dir: string): string[] {
  const line = readFileSync(join(dir, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('CMD '));
  if (!line) throw new Error('Dockerfile has no CMD');
  return JSON.parse(line.slice(4)) as string[];
}

/** A clean environment like a container's: PATH, then what the test sets. */
export function containerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '', NODE_PATH: '', HOME: tmpdir(), ...extra };
}

export function startExported(dir: string, env: Record<string, string> = {}): Promise<RunningProcess> {
  const [command, ...args] = dockerCmd(dir);
  // `node` in the image is the node we run on here.
  const binary = command === 'node' ? process.execPath : (command as string);
  return startProcess(binary, args, { cwd: dir, env: containerEnv({ PORT: '0', HOST: '127.0.0.1', ...env }) });
}

/**
 * Exports each sample once, on first use, into os.tmpdir(), and removes every export after the
 * calling test file's tests: what each sample-check file against exported services needs.
 */
export function exportOncePerSample(): (sample: AnySample) => Promise<string> {
  const exported = new Map<AnySample, Promise<string>>();
  afterAll(async () => {
    for (const dir of exported.values()) removeExport(await dir);
  });
  return (sample) => {
    let dir = exported.get(sample);
    if (!dir) {
      dir = exportToTemp(loadSample(sample), sample);
      exported.set(sample, dir);
    }
    return dir;
  };
}
