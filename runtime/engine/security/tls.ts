/**
 * TLS material for `wss://`: `wsflow run --tls-cert F --tls-key F`, and `WSFLOW_TLS_CERT` /
 * `WSFLOW_TLS_KEY` (file paths) in an exported service. Both or neither; read once at start.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export const TLS_CERT_ENV = 'WSFLOW_TLS_CERT';
export const TLS_KEY_ENV = 'WSFLOW_TLS_KEY';

export class TlsConfigError extends Error {
  readonly code = 'WSF_TLS_CONFIG';
}

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** `undefined` when neither path is given; throws TlsConfigError with a sentence otherwise. */
export function loadTls(certPath: string | undefined, keyPath: string | undefined, names = { cert: '--tls-cert', key: '--tls-key' }): TlsFiles | undefined {
  const cert = certPath?.trim() || undefined;
  const key = keyPath?.trim() || undefined;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new TlsConfigError(`${cert ? names.key : names.cert} is missing: give both ${names.cert} and ${names.key} to serve wss://`);
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new TlsConfigError(`cannot read the TLS ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  const files = { cert: read(cert, 'certificate'), key: read(key, 'key') };
  try {
    // Fails here, with a clear message, instead of on the first client.
    createSecureContext(files);
  } catch (error) {
    throw new TlsConfigError(`the TLS certificate and key cannot be used together: ${(error as Error).message}`);
  }
  return files;
}
