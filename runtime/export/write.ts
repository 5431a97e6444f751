/**
 * Writing an export: refuse to overwrite without `force` (listing every file that exists), then
 * write each file atomically (temp file + rename) so a crash never leaves half a file behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ExportError } from './errors.ts';

export interface OutputFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  content: string;
}

export function existingFiles(outDir: string, files: OutputFile[]): string[] {
  return files.map((f) => f.path).filter((p) => existsSync(join(outDir, p)));
}

export async function writeOutput(outDir: string, files: OutputFile[], force: boolean): Promise<string[]> {
  const root = resolve(outDir);
  const clash = existingFiles(root, files);
  if (clash.length > 0 && !force) {
    throw new ExportError(
      'WSF_EXPORT_FILES_EXIST',
      `${clash.length} file(s) already exist in ${outDir} (use --force to overwrite): ${clash.join(', ')}`,
      undefined,
      undefined,
      clash,
    );
  }
  const written: string[] = [];
  for (const file of files) {
    const target = join(root, file.path);
    const temp = `${target}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(temp, file.content, 'utf8');
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      const e = error as NodeJS.ErrnoException;
      throw new ExportError('WSF_EXPORT_WRITE', `cannot write ${join(outDir, file.path)}: ${e.code ?? e.message}`, undefined, undefined, written);
    }
    written.push(file.path);
  }
  return written;
}
