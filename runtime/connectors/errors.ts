/** A connector call that failed; `code` is listed in docs/errors/connectors.md. */
export class ConnectorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${message} (${code})`);
  }
}
