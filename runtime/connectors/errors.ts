/** A connector call that failed; `code` is listed in docs/errors/connectors.md. */
export class ConnectorError extends Error {
  constructor(
    readonly code: string,
    /** the message without its code */
    readonly text: string,
  ) {
    super(`${text} (${code})`);
  }
}
