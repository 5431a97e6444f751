/**
 * How a command ends: exit codes and the one error a command throws for an expected, user-facing
 * failure. Its own module so the commands and `main.ts` (which loads them) do not import each other.
 *
 * Exit codes: 0 success, 2 bad input (invalid flow, bad arguments), 1 failure.
 */
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
