/**
 * Temp files a crash left behind. An atomic save writes a temp file beside the target and renames
 * it over the target; a crash (or power cut) between the two leaves the temp file, which nothing
 * else would ever remove. The next save of the same file sweeps them: only names the writer itself
 * makes for that file (its exact pattern), only plain files, and only ones older than
 * STALE_TEMP_MS, so the temp file of a save still in progress (another studio on the same folder)
 * is never taken.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * A save writes and renames its temp file within one call, well under a second even for a large
 * flow on a slow disk; ten minutes leaves any save in progress alone and still sweeps a crash's
 * leftovers on the next save after that.
 */
export const STALE_TEMP_MS = 10 * 60_000;

/** `.NAME.` then 12 hex digits then `.tmp`: runtime/studio/files.ts's atomicWrite. */
export function studioTempPattern(target: string): RegExp {
  return new RegExp(`^\\.${escapeRegExp(path.basename(target))}\\.[0-9a-f]{12}\\.tmp$`);
}

/** `NAME.PID.` then 8 hex digits then `.tmp`: electron/atomic-file.ts. */
export function electronTempPattern(target: string): RegExp {
  return new RegExp(`^${escapeRegExp(path.basename(target))}\\.[0-9]+\\.[0-9a-f]{8}\\.tmp$`);
}

/**
 * Removes the stale temp files of `target` (names matching `pattern`, in its folder). Best effort:
 * a folder that cannot be listed or a file that cannot be removed leaves the save to go ahead.
 * Returns the names removed.
 */
export async function sweepStaleTemps(target: string, pattern: RegExp, now = Date.now()): Promise<string[]> {
  const dir = path.dirname(target);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!pattern.test(name)) continue;
    const file = path.join(dir, name);
    const stat = await fs.lstat(file).catch(() => undefined);
    if (!stat?.isFile() || now - stat.mtimeMs < STALE_TEMP_MS) continue;
    try {
      await fs.rm(file);
      removed.push(name);
    } catch {
      // Gone already (another save swept it) or not ours to remove: the save goes ahead.
    }
  }
  return removed;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
