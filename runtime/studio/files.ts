/**
 * File access of the studio, confined to one root folder (the folder of the opened flow).
 *
 * The backend runs user code and listens on a port, so every path from the renderer is treated as
 * hostile: `..` segments, NUL bytes, absolute paths outside the root and symlinks that resolve
 * outside the root are refused with `WSF_STUDIO_PATH`. Every write (save, recovery copies, each
 * exported file) goes through `resolve`, and documents are written only as flow or flow-test files.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { RECOVERY_DIR, type FileEntry, type RecoveryOffer } from './protocol.ts';
import { studioTempPattern, sweepStaleTemps } from './stale-temps.ts';

export class StudioFileError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SKIP_DIRS = new Set(['node_modules', '.git', RECOVERY_DIR, 'dist', 'out']);
const MAX_LIST = 500;
/** The only files `write` creates or replaces: flows, their tests and components (never `.git/hooks/...`). */
const DOCUMENT_NAME = /(\.wsflow(\.test)?\.ya?ml|\.wsflow-component\.yaml)$/i;

export class RootFolder {
  private realRoot: string | undefined;

  constructor(readonly root: string) {}

  private async real(): Promise<string> {
    this.realRoot ??= await fs.realpath(this.root);
    return this.realRoot;
  }

  /** Resolve a user path (relative to the root, or absolute inside it) to an absolute path. */
  async resolve(userPath: string, options: { mustExist?: boolean } = {}): Promise<{ abs: string; rel: string }> {
    if (typeof userPath !== 'string' || userPath.trim() === '') throw pathError(userPath, 'is empty');
    if (userPath.includes('\0')) throw pathError(userPath, 'contains a NUL byte');
    const normalized = userPath.replace(/\\/g, '/');
    if (normalized.split('/').includes('..')) throw pathError(userPath, 'must not contain ".."');
    const abs = path.resolve(this.root, normalized);
    const rel = path.relative(this.root, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw pathError(userPath, 'is outside the studio folder');
    // Symlinks: the real location of the file (or, for a new file, of its folder) must stay inside.
    const realRoot = await this.real();
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch {
      if (options.mustExist) throw new StudioFileError('WSF_STUDIO_NOT_FOUND', `${rel.split(path.sep).join('/')}: no such file`);
      // A new file (or folder tree): the nearest existing ancestor decides where it really lands.
      let ancestor = path.dirname(abs);
      let rest = path.basename(abs);
      for (;;) {
        try {
          real = path.join(await fs.realpath(ancestor), rest);
          break;
        } catch {
          if (ancestor === this.root || path.dirname(ancestor) === ancestor) throw new StudioFileError('WSF_STUDIO_NOT_FOUND', `${rel}: no such folder`);
          rest = path.join(path.basename(ancestor), rest);
          ancestor = path.dirname(ancestor);
        }
      }
    }
    const realRel = path.relative(realRoot, real);
    if (realRel === '' || realRel.startsWith('..') || path.isAbsolute(realRel)) {
      throw pathError(userPath, 'resolves (through a symlink) outside the studio folder');
    }
    return { abs: real, rel: rel.split(path.sep).join('/') };
  }

  /** Reads component files for validation (runtime/check/components.ts): undefined when not readable here. */
  /** What validation reads from this folder: component files, and the flow's packages (its node_modules). */
  checkOptions(): { readComponent: (userPath: string) => Promise<string | undefined>; folder: string } {
    return { readComponent: this.reader(), folder: this.root };
  }

  reader(): (userPath: string) => Promise<string | undefined> {
    return (userPath) => this.read(userPath).then((r) => r.text, () => undefined);
  }

  async read(userPath: string): Promise<{ rel: string; text: string; mtimeMs: number }> {
    const { abs, rel } = await this.resolve(userPath, { mustExist: true });
    const stat = await fs.stat(abs);
    if (!stat.isFile()) throw new StudioFileError('WSF_STUDIO_NOT_FILE', `${rel}: not a file`);
    if (stat.size > 5 * 1024 * 1024) throw new StudioFileError('WSF_STUDIO_TOO_LARGE', `${rel}: larger than 5 MiB`);
    return { rel, text: await fs.readFile(abs, 'utf8'), mtimeMs: stat.mtimeMs };
  }

  /** Atomic write: a temp file in the same folder, flushed, then renamed over the target. */
  async write(
    userPath: string,
    text: string,
    options: { overwrite: boolean; expectedMtimeMs?: number },
  ): Promise<{ rel: string; mtimeMs: number }> {
    if (typeof userPath === 'string' && !DOCUMENT_NAME.test(userPath)) {
      throw pathError(userPath, 'is not a flow file: the studio writes only *.wsflow.yaml and *.wsflow.test.yaml');
    }
    const { abs, rel } = await this.resolve(userPath);
    await fs.mkdir(path.dirname(abs), { recursive: true });
    const existing = await fs.stat(abs).catch(() => undefined);
    if (existing && !options.overwrite) throw new StudioFileError('WSF_STUDIO_EXISTS', `${rel}: already exists`);
    if (existing && options.expectedMtimeMs !== undefined && Math.abs(existing.mtimeMs - options.expectedMtimeMs) > 1) {
      throw new StudioFileError('WSF_STUDIO_CHANGED_ON_DISK', `${rel}: changed on disk since it was opened`);
    }
    await atomicWrite(abs, text);
    const stat = await fs.stat(abs);
    return { rel, mtimeMs: stat.mtimeMs };
  }

  async list(dir?: string): Promise<FileEntry[]> {
    const start = dir ? (await this.resolve(dir, { mustExist: true })).abs : await this.real();
    const realRoot = await this.real();
    const entries: FileEntry[] = [];
    const walk = async (folder: string, depth: number): Promise<void> => {
      if (depth > 3 || entries.length >= MAX_LIST) return;
      const items = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
      items.sort((a, b) => a.name.localeCompare(b.name));
      for (const item of items) {
        if (entries.length >= MAX_LIST) return;
        const abs = path.join(folder, item.name);
        const rel = path.relative(realRoot, abs).split(path.sep).join('/');
        if (item.isDirectory()) {
          if (SKIP_DIRS.has(item.name) || item.name.startsWith('.')) continue;
          await walk(abs, depth + 1);
        } else if (item.isFile()) {
          const kind = classify(item.name);
          if (kind === 'other') continue;
          const stat = await fs.stat(abs).catch(() => undefined);
          if (stat) entries.push({ path: rel, kind, size: stat.size, mtimeMs: stat.mtimeMs });
        }
      }
    };
    await walk(start, 0);
    return entries;
  }

  // -- recovery copies ------------------------------------------------------------------------

  /** Where the recovery copy of a document lives; resolved like any path (the folder may be a symlink). */
  private async recoveryFile(rel: string | undefined): Promise<string> {
    const name = rel ? rel.replace(/[/\\]/g, '__') : 'untitled.wsflow.yaml';
    return (await this.resolve(`${RECOVERY_DIR}/${name}.recovery`)).abs;
  }

  async autosave(userPath: string | undefined, text: string): Promise<number> {
    const rel = userPath ? (await this.resolve(userPath)).rel : undefined;
    const file = await this.recoveryFile(rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await atomicWrite(file, text);
    return Date.now();
  }

  /** A recovery copy worth offering: newer than the file and different from it. */
  async recovery(rel: string | undefined, current?: { text: string; mtimeMs: number }): Promise<RecoveryOffer | undefined> {
    const file = await this.recoveryFile(rel);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat) return undefined;
    const text = await fs.readFile(file, 'utf8');
    if (current && (text === current.text || stat.mtimeMs < current.mtimeMs)) return undefined;
    if (text.trim() === '') return undefined;
    return { text, savedAt: stat.mtimeMs };
  }

  async discardRecovery(userPath: string | undefined): Promise<void> {
    const rel = userPath ? (await this.resolve(userPath)).rel : undefined;
    await fs.rm(await this.recoveryFile(rel), { force: true });
  }
}

function classify(name: string): FileEntry['kind'] {
  const lower = name.toLowerCase();
  if (/\.wsflow\.ya?ml$/.test(lower)) return 'flow';
  if (lower.endsWith('.wsflow-component.yaml')) return 'component';
  if (/\.(ya?ml|json)$/.test(lower) && lower.includes('asyncapi')) return 'asyncapi';
  return 'other';
}

export function pathError(userPath: unknown, why: string): StudioFileError {
  return new StudioFileError('WSF_STUDIO_PATH', `path ${JSON.stringify(String(userPath))} ${why}`);
}

/**
 * Atomic write: a temp file in the same folder, flushed, renamed over the target, then the folder
 * flushed (so the rename itself survives a power cut). The file keeps its permission bits (a
 * 0600 flow stays 0600); the temp file never outlives a failure, and the temp files of this file
 * a crash left behind are swept (runtime/studio/stale-temps.ts).
 */
export async function atomicWrite(abs: string, text: string): Promise<void> {
  const dir = path.dirname(abs);
  await sweepStaleTemps(abs, studioTempPattern(abs));
  const tmp = path.join(dir, `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = await fs.stat(abs).then(
    (s) => s.mode & 0o7777,
    () => undefined,
  );
  try {
    const handle = await fs.open(tmp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, mode ?? 0o644);
    try {
      // open() applies the umask; chmod sets the old file's bits exactly.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, abs);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // Some platforms (Windows) and file systems cannot open or fsync a folder; the rename stands.
  } finally {
    await handle?.close();
  }
}
