/**
 * `--env-file F`: a dotenv file whose variables fill `${env.NAME}` in connector fields (and
 * whatever else reads the environment). Variables already set in the real environment win, as
 * with dotenv itself, so a CI secret is never shadowed by a checked-in file.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { CliError, EXIT_BAD_INPUT } from './errors.ts';

/** The file's variables alone; throws a CliError, naming the file, when it cannot be read. */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`--env-file ${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})`}`, EXIT_BAD_INPUT);
  }
  return parse(text);
}

/** The process environment with the file's variables added; throws a CliError for a missing file. */
export function loadEnvFile(file: string | undefined, base: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  if (file === undefined) return base;
  return { ...readEnvFile(file), ...base };
}

/** Puts the file's variables into process.env (the handler host and connectors read it there). */
export function applyEnvFile(file: string | undefined): void {
  const merged = loadEnvFile(file);
  for (const [k, v] of Object.entries(merged)) if (process.env[k] === undefined && v !== undefined) process.env[k] = v;
}
