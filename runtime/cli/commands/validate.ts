/**
 * `wsflow validate FILE...`: every problem of every file, one line each
 * (`file:line:col: error [node] message (CODE)`), then a summary. Exit 0 when all files are valid,
 * 2 when any has an error (a missing file included).
 */
import { formatProblem, hasErrors, validateFlowFile } from '../../check/index.ts';
import type { Problem } from '../../model/types.ts';
import { EXIT_BAD_INPUT, EXIT_OK } from '../errors.ts';
import { loadEnvFile } from '../env-file.ts';

export interface ValidateCommandOptions {
  json?: boolean;
  envFile?: string;
}

export async function validate(files: string[], options: ValidateCommandOptions = {}): Promise<number> {
  const results: { file: string; valid: boolean; problems: Problem[] }[] = [];
  // Without --env-file the deployment's environment is unknown: unset variables are warnings.
  const env = loadEnvFile(options.envFile);
  const envSeverity = options.envFile === undefined ? 'warning' : 'error';
  for (const file of files) {
    const { problems } = await validateFlowFile(file, { env, envSeverity });
    results.push({ file, valid: !hasErrors(problems), problems });
  }
  const valid = results.every((r) => r.valid);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ valid, files: results }, null, 2)}\n`);
    return valid ? EXIT_OK : EXIT_BAD_INPUT;
  }
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    for (const problem of result.problems) {
      out.push(formatProblem(problem));
      if (problem.severity === 'error') errors++;
      else warnings++;
    }
    if (result.valid) out.push(`${result.file}: valid`);
  }
  const invalidFiles = results.filter((r) => !r.valid).length;
  if (errors > 0) {
    out.push(`${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} in ${plural(invalidFiles, 'file')} (${results.length - invalidFiles} of ${plural(results.length, 'file')} valid).`);
  } else if (results.length > 1) {
    out.push(`All ${results.length} files are valid.`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return valid ? EXIT_OK : EXIT_BAD_INPUT;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
