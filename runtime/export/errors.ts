/**
 * `ExportError`: a flow that cannot be exported as asked (a Choreo rule it breaks, a name AsyncAPI
 * rejects, files that would be overwritten). The message names the field so a user can fix it;
 * codes are listed in docs/errors/export.md.
 */
export type ExportErrorCode =
  | 'WSF_EXPORT_CHOREO_RULE'
  | 'WSF_EXPORT_ASYNCAPI_NAME'
  | 'WSF_EXPORT_NO_UPGRADER'
  | 'WSF_EXPORT_BAD_PATH'
  | 'WSF_EXPORT_FILES_EXIST'
  | 'WSF_EXPORT_BUNDLE'
  | 'WSF_EXPORT_BAD_OPTION'
  | 'WSF_EXPORT_BAD_NAME'
  | 'WSF_EXPORT_SNIPPET'
  | 'WSF_EXPORT_WRITE';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    /** Dotted path of the offending field in the flow document, e.g. `listener.port`. */
    readonly field?: string,
    readonly nodeId?: string,
    /** WSF_EXPORT_FILES_EXIST: the files that exist; WSF_EXPORT_WRITE: the files written before the failure. */
    readonly files: string[] = [],
  ) {
    super(message);
    this.name = 'ExportError';
  }
}
