/**
 * The `http` connector: one request with Node's fetch (undici), a timeout per attempt, and
 * retries with backoff on what is worth retrying (network errors, timeouts, 429, 502, 503, 504).
 * Any HTTP status is a result, not an error: the chain decides what a 404 means.
 */
import type { HttpCallSpec, HttpResult } from '../engine/contracts.ts';
import { RETRY, backoffDelay } from './backoff.ts';
import { redactUrl, scrubSecrets } from '../model/redact.ts';
import { ConnectorError } from './errors.ts';
import { checkGuardedUrl } from './http-guard.ts';
import { readCapped } from '../engine/security/read-capped.ts';

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Redirects a guarded request follows (each one checked like the first URL). */
const MAX_GUARDED_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 10_000;
/** A response body larger than this fails the call instead of filling the memory. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function parseJson(text: string, contentType: string): unknown {
  const looksJson = /json/i.test(contentType) || /^\s*[[{]/.test(text);
  if (!looksJson) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function attempt(spec: HttpCallSpec, method: string, timeoutMs: number): Promise<Omit<HttpResult, 'attempts'>> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = spec.guard ? await guardedFetch(spec, method, signal) : await fetch(spec.url, { method, headers: spec.headers, body: bodyOf(spec, method), signal, redirect: 'follow' });
    const text = await readCapped(response, MAX_BODY_BYTES, () => new ConnectorError('WSF_HTTP_BODY_TOO_LARGE', `the response body is larger than ${MAX_BODY_BYTES} bytes`));
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, ok: response.ok, statusText: response.statusText, headers, text, json: parseJson(text, headers['content-type'] ?? '') };
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    if (signal.aborted) throw new ConnectorError('WSF_HTTP_TIMEOUT', `no complete response within ${timeoutMs} ms`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    // undici's messages can quote the whole URL ("...includes credentials: http://user:pass@...").
    throw new ConnectorError('WSF_HTTP_FAILED', scrubSecrets(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))));
  }
}

function bodyOf(spec: HttpCallSpec, method: string): string | Uint8Array<ArrayBuffer> | undefined {
  return method === 'GET' || method === 'HEAD' || spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : new Uint8Array(spec.body);
}

/** fetch with the guard checked before the request and before every redirect it follows (by hand). */
async function guardedFetch(spec: HttpCallSpec, method: string, signal: AbortSignal): Promise<Response> {
  const guard = spec.guard ?? {};
  let url = new URL(spec.url);
  let m = method;
  let headers = { ...spec.headers };
  let body = bodyOf(spec, method);
  for (let hop = 0; ; hop++) {
    await checkGuardedUrl(url, guard);
    const response = await fetch(url, { method: m, headers, body, signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUS.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_GUARDED_REDIRECTS) throw new ConnectorError('WSF_HTTP_FAILED', `more than ${MAX_GUARDED_REDIRECTS} redirects`);
    const next = new URL(location, url);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new ConnectorError('WSF_HTTP_BLOCKED', `a redirect to '${redactUrl(next.href)}', which is not http:// or https://`);
    // As fetch does: 303 (and 301/302 after a POST) becomes a GET without a body; credentials
    // do not follow to another origin.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && m === 'POST')) {
      m = 'GET';
      body = undefined;
    }
    if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie|proxy-authorization)$/i.test(k)));
    url = next;
  }
}

/** Runs the request; resolves with the last response, rejects only when no attempt got one. */
export async function httpCall(spec: HttpCallSpec, sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<HttpResult> {
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    throw new ConnectorError('WSF_HTTP_URL', `'${redactUrl(spec.url)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectorError('WSF_HTTP_URL', `'${redactUrl(spec.url)}' is not an http:// or https:// URL`);
  const method = (spec.method ?? 'GET').toUpperCase();
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attempts = 1 + Math.max(0, Math.min(10, Math.floor(spec.retries ?? 0)));
  let lastError: ConnectorError | undefined;
  for (let n = 1; n <= attempts; n++) {
    if (n > 1) await sleep(backoffDelay(n - 1, RETRY));
    try {
      const result = await attempt(spec, method, timeoutMs);
      if (n < attempts && RETRY_STATUS.has(result.status)) continue;
      return { ...result, attempts: n };
    } catch (error) {
      // A refused address or a body too large will be the same on the next attempt.
      if (!(error instanceof ConnectorError) || error.code === 'WSF_HTTP_BODY_TOO_LARGE' || error.code === 'WSF_HTTP_BLOCKED') throw error;
      lastError = error;
    }
  }
  const e = lastError as ConnectorError;
  throw new ConnectorError(e.code, `${method} ${redactUrl(spec.url)}: ${e.message.replace(/ \(WSF_[A-Z_]+\)$/, '')}${attempts > 1 ? ` after ${attempts} attempts` : ''}`);
}
