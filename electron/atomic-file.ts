/**
 * Small JSON state files in userData (window bounds, recent files), written atomically: a crash
 * or power cut mid-write leaves the old file, never half a file. The file keeps its permission
 * bits, the temp file never outlives a failure (and a crash's temp files are swept on the next
 * save), and the folder is flushed after the rename so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { electronTempPattern, sweepStaleTemps } from '../runtime/studio/stale-temps.ts';

const tempOf = (path: string) => `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  // A crash's leftovers of this file (the sync twin below leaves that to the next async save).
  await sweepStaleTemps(path, electronTempPattern(path));
  const temp = tempOf(path);
  const mode = await stat(path).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  try {
    await writeFile(temp, text, { encoding: 'utf8', flush: true });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  try {
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Windows cannot fsync a folder; the rename stands.
  }
}

/**
 * Synchronous twin, for the last write before the app quits (an async write could be cut off
 * when the process exits right after the window closes).
 */
export function writeFileAtomicSync(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempOf(path);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    writeFileSync(temp, text, { encoding: 'utf8', flush: true });
    if (mode !== undefined) chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot fsync a folder; the rename stands.
  }
}

/** The parsed JSON of a file, or undefined when it is missing or not JSON. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
