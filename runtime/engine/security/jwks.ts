/**
 * The key set behind `auth.jwksUrl` (docs/security.md): fetched with a timeout and a size cap,
 * cached, and refetched at a bounded rate. jose's own remote set reads the whole body into memory
 * and reports a body that is not JSON (or a non-200 answer) as a token error (401); here every
 * failure to get usable keys is `JwksUnavailable`, which the authenticator answers with 503.
 */
import { createLocalJWKSet, errors as joseErrors } from 'jose';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { readCapped } from './read-capped.ts';

/** A JWKS body larger than this is refused (real sets are a few KiB; 1 MiB leaves room for many keys). */
export const MAX_JWKS_BYTES = 1024 * 1024;
export const JWKS_TIMEOUT_MS = 5_000;
/** Keys are used this long before they are fetched again. */
export const JWKS_MAX_AGE_MS = 10 * 60_000;
/** A token with an unknown `kid` (a rotation) refetches at most this often. */
export const JWKS_REFETCH_MS = 30_000;
/** After a failed fetch, the next attempt waits this long; meanwhile clients get 503 at once. */
export const JWKS_RETRY_MS = 5_000;

/** The keys cannot be had now (unreachable, timeout, not 200, too large, not a key set). */
export class JwksUnavailable extends Error {}

export interface RemoteKeySet {
  /** For jwtVerify: picks the key for a token's header, refetching the set on an unknown kid when allowed. */
  getKey: JWTVerifyGetKey;
}

async function fetchKeySet(url: URL, maxBytes: number, timeoutMs: number): Promise<JWTVerifyGetKey> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      throw new JwksUnavailable(`the key set answered HTTP ${response.status}`);
    }
    const text = await readCapped(response, maxBytes, () => new JwksUnavailable(`the key set is larger than ${maxBytes} bytes`));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new JwksUnavailable('the key set is not JSON');
    }
    if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) throw new JwksUnavailable('the key set has no keys array');
    return createLocalJWKSet(json as JSONWebKeySet);
  } catch (error) {
    if (error instanceof JwksUnavailable) throw error;
    if (controller.signal.aborted) throw new JwksUnavailable(`no key set within ${timeoutMs} ms`);
    throw new JwksUnavailable(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}

export function remoteKeySet(url: URL, options: { maxBytes?: number; timeoutMs?: number; now?: () => number } = {}): RemoteKeySet {
  const maxBytes = options.maxBytes ?? MAX_JWKS_BYTES;
  const timeoutMs = options.timeoutMs ?? JWKS_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  let keys: JWTVerifyGetKey | undefined;
  let fetchedAt = 0;
  let failedAt = -Infinity;
  let lastError: JwksUnavailable | undefined;
  let inflight: Promise<JWTVerifyGetKey> | undefined;

  /** One fetch at a time, shared by every waiting client; a failure is remembered for JWKS_RETRY_MS. */
  const refresh = (): Promise<JWTVerifyGetKey> => {
    if (inflight) return inflight;
    if (now() - failedAt < JWKS_RETRY_MS) return Promise.reject(lastError ?? new JwksUnavailable('the key set could not be fetched'));
    inflight = fetchKeySet(url, maxBytes, timeoutMs)
      .then(
        (fresh) => {
          keys = fresh;
          fetchedAt = now();
          lastError = undefined;
          return fresh;
        },
        (error: unknown) => {
          failedAt = now();
          lastError = error instanceof JwksUnavailable ? error : new JwksUnavailable(String(error));
          throw lastError;
        },
      )
      .finally(() => (inflight = undefined));
    return inflight;
  };

  const current = async (): Promise<JWTVerifyGetKey> => {
    if (!keys) return refresh();
    if (now() - fetchedAt < JWKS_MAX_AGE_MS) return keys;
    // Stale: try a fresh set, but keep serving the old one while the key server is down.
    return refresh().catch(() => keys as JWTVerifyGetKey);
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const set = await current();
    try {
      return await set(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || now() - fetchedAt < JWKS_REFETCH_MS) throw error;
      // An unknown kid may be a rotation: look once more, at most every JWKS_REFETCH_MS.
      const fresh = await refresh().catch(() => set);
      return fresh(header, token);
    }
  };
  return { getKey };
}
