/**
 * How a command ends: exit codes and the one error a command throws for an expected, user-facing
 * failure. Its own module so the commands and `main.ts` (which loads them) do not import each other.
 *
 * Exit codes: 0 success, 2 bad input (invalid flow, bad arguments), 1 failure.
 */
import { MAX_PORT, parsePort } from '../model/port.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** Thrown by commands for expected, user-facing failures: printed as one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** `--port VALUE` of any command, in the one port syntax (runtime/model/port.ts). */
export function portOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = parsePort(value);
  if (port === undefined) throw new CliError(`--port must be an integer from 0 to ${MAX_PORT} (decimal; 0 picks a free port), got "${value}"`, EXIT_BAD_INPUT);
  return port;
}
