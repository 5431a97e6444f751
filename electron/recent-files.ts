/**
 * The Open Recent list: most recent first, no duplicates, at most MAX_RECENT entries, stored in
 * `userData/recent-files.json`. Files that no longer exist are dropped when the list is loaded.
 */
import { access } from 'node:fs/promises';
import { isAbsolute, normalize } from 'node:path';
import { readJsonFile, writeFileAtomic } from './atomic-file.ts';

export const MAX_RECENT = 10;
const MAX_PATH_LENGTH = 4096;

/** True for paths the list accepts: absolute, of sane length, no NUL. */
export function isAcceptablePath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_PATH_LENGTH &&
    !value.includes('\0') &&
    isAbsolute(value)
  );
}

function sameFile(a: string, b: string, platform: string): boolean {
  // Windows and macOS file systems are case-insensitive by default.
  return platform === 'linux' ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** `list` with `path` moved (or added) to the front. */
export function addRecent(list: readonly string[], path: string, platform: string = process.platform): string[] {
  const entry = normalize(path);
  return [entry, ...list.filter((p) => !sameFile(p, entry, platform))].slice(0, MAX_RECENT);
}

/** The valid entries of a stored list, in order, without duplicates. */
export function parseRecent(value: unknown, platform: string = process.platform): string[] {
  if (!Array.isArray(value)) return [];
  const result: string[] = [];
  for (const item of value) {
    if (!isAcceptablePath(item)) continue;
    const entry = normalize(item);
    if (result.some((p) => sameFile(p, entry, platform))) continue;
    result.push(entry);
    if (result.length === MAX_RECENT) break;
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export class RecentFiles {
  private list: string[] = [];

  constructor(
    private readonly file: string,
    private readonly platform: string = process.platform,
  ) {}

  static async load(file: string, platform: string = process.platform): Promise<RecentFiles> {
    const recent = new RecentFiles(file, platform);
    const stored = parseRecent(await readJsonFile(file), platform);
    const present = await Promise.all(stored.map(exists));
    recent.list = stored.filter((_, i) => present[i]);
    return recent;
  }

  get(): string[] {
    return [...this.list];
  }

  async add(path: string): Promise<string[]> {
    if (!isAcceptablePath(path)) return this.get();
    this.list = addRecent(this.list, path, this.platform);
    await writeFileAtomic(this.file, `${JSON.stringify(this.list, null, 2)}\n`);
    return this.get();
  }

  async clear(): Promise<void> {
    this.list = [];
    await writeFileAtomic(this.file, '[]\n');
  }
}
