/**
 * `wsflow import FILE --out FLOW [--force]`: a flow skeleton from an AsyncAPI 2.x/3.0 document.
 * Parser errors are printed with file:line:col and exit 2; an existing FLOW needs --force.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportError, importAsyncApi } from '../../import/asyncapi.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_OK } from '../errors.ts';

const SCHEMA_PATH = fileURLToPath(new URL('../../model/wsflow.schema.json', import.meta.url));

export async function importCommand(file: string, options: { out: string; force?: boolean }): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError(`${file}: cannot read (${code})`, EXIT_BAD_INPUT);
  }
  if (existsSync(options.out) && options.force !== true) {
    throw new CliError(`${options.out} already exists; nothing was written (use --force to overwrite)`, EXIT_BAD_INPUT);
  }
  const target = resolve(options.out);
  const schemaRef = relative(dirname(target), SCHEMA_PATH).split('\\').join('/');
  let result;
  try {
    result = await importAsyncApi(text, file, { schemaRef });
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    for (const line of error.problems) process.stderr.write(`${line}\n`);
    process.stderr.write(`wsflow import: ${error.message}; nothing was written\n`);
    return EXIT_BAD_INPUT;
  }
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, result.yaml, 'utf8');
  await rename(temp, target).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
  const upgraders = result.flow.nodes.filter((n) => n.type === 'upgrader').length;
  process.stdout.write(`wrote ${options.out} (${upgraders} upgrader(s), ${result.flow.nodes.length} nodes)\n`);
  return EXIT_OK;
}
