/**
 * `wsflow export FILE --out DIR [--asyncapi 2.6|3.0] [--force]`: validate the flow, write every
 * artifact, print each file written. Bad input (an invalid flow, a Choreo rule it breaks, files
 * that would be overwritten) exits 2 with a located message.
 */
import { readFile } from 'node:fs/promises';
import { formatProblem, hasErrors, validateFlowFile } from '../../check/index.ts';
import { ExportError, exportFlow } from '../../export/index.ts';
import type { AsyncApiVersion } from '../../export/asyncapi.ts';
import { testsBeside } from '../../flowtest/load.ts';
import { parseFlow } from '../../model/parse.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_OK } from '../errors.ts';

export interface ExportCommandOptions {
  out: string;
  asyncapi?: string;
  force?: boolean;
}

export function parseAsyncApiVersion(value: string | undefined): AsyncApiVersion {
  const v = (value ?? '2.6').trim();
  if (['2', '2.6', '2.6.0'].includes(v)) return '2.6';
  if (['3', '3.0', '3.0.0'].includes(v)) return '3.0';
  throw new CliError(`--asyncapi ${v}: choose 2.6 or 3.0`, EXIT_BAD_INPUT);
}

/** `nodes[2].basePath` -> ['nodes', 2, 'basePath'] */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return out;
    if (m[1]) out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

async function located(file: string, error: ExportError): Promise<string> {
  let where = file;
  if (error.field) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    const pos = text === undefined ? undefined : parseFlow(text, file).locate(fieldPath(error.field));
    if (pos) where = `${file}:${pos.line}:${pos.col}`;
  }
  const node = error.nodeId ? `[${error.nodeId}] ` : '';
  return `${where}: error ${node}${error.message} (${error.code})`;
}

export async function exportCommand(file: string, options: ExportCommandOptions): Promise<number> {
  const asyncapi = parseAsyncApiVersion(options.asyncapi);
  const { flow, problems, packages } = await validateFlowFile(file);
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!flow || hasErrors(problems)) {
    process.stderr.write(`wsflow export: ${file} is not valid; nothing was written\n`);
    return EXIT_BAD_INPUT;
  }
  // The flow's tests travel with it (tests/), checked first: broken tests are bad input too.
  const tests = await testsBeside(file);
  for (const p of tests?.problems ?? []) process.stderr.write(`${formatProblem(p)}\n`);
  if (tests && hasErrors(tests.problems)) {
    process.stderr.write(`wsflow export: the tests of ${file} are not valid; nothing was written\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    const { files } = await exportFlow(flow, { outDir: options.out, asyncapi, force: options.force === true, packages: packages.packages, ...(tests ? { tests: { fileName: tests.fileName, content: tests.content } } : {}) });
    for (const f of files) process.stdout.write(`wrote ${f}\n`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
    if (error.code === 'WSF_EXPORT_FILES_EXIST') {
      process.stderr.write(`wsflow export: these files exist in ${options.out}; nothing was written (use --force to overwrite):\n`);
      for (const f of error.files) process.stderr.write(`  ${f}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error.code === 'WSF_EXPORT_WRITE') {
      process.stderr.write(`wsflow export: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`${await located(file, error)}\n`);
    return error.code === 'WSF_EXPORT_BUNDLE' ? 1 : EXIT_BAD_INPUT;
  }
}
