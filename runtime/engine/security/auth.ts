/**
 * Checks an upgrader's `auth` (docs/security.md): JWTs with `jose` (HS* with a shared secret,
 * RS, PS, ES and EdDSA keys through a JWKS URL; algorithms are pinned per key kind so a public key can never
 * be used as an HMAC secret, and `none` is never accepted), or API keys compared in constant
 * time. `${env.NAME}` values are resolved once, when the flow starts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { AuthSpec } from '../../model/types.ts';
import type { ConnAuthInfo } from '../host/protocol.ts';
import { resolveEnvRefs } from '../../model/env-refs.ts';
import type { CredentialSource } from './credentials.ts';
import { apiKeyOf, bearerToken, DEFAULT_API_KEY_HEADER } from './credentials.ts';
import { JwksUnavailable, remoteKeySet } from './jwks.ts';

/** What snippets see as `conn.auth` (the shape crosses to the handler host). */
export type ConnAuth = ConnAuthInfo;

export type AuthOutcome = { ok: true; auth: ConnAuth } | { ok: false; status: 401 | 503; reason: string };
export type Authenticator = (src: CredentialSource) => Promise<AuthOutcome>;

/** The flow cannot start: an `${env.NAME}` an auth field needs is not set, or a value is unusable. */
export class AuthConfigError extends Error {
  readonly code = 'WSF_AUTH_CONFIG';
  constructor(
    message: string,
    readonly nodeId: string,
  ) {
    super(message);
  }
}

const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const DEFAULT_CLOCK_SKEW_SEC = 30;

type Env = Readonly<Record<string, string | undefined>>;

function resolved(nodeId: string, field: string, value: string | undefined, env: Env): string | undefined {
  if (value === undefined) return undefined;
  const r = resolveEnvRefs(value, env);
  if (r.missing.length > 0) {
    throw new AuthConfigError(`upgrader '${nodeId}': auth.${field} needs the environment variable ${r.missing.join(', ')}, which is not set`, nodeId);
  }
  return r.value;
}

export function createAuthenticator(nodeId: string, spec: AuthSpec, env: Env): Authenticator {
  if (spec.type === 'apiKey') return apiKeyAuthenticator(nodeId, spec, env);
  return jwtAuthenticator(nodeId, spec, env);
}

function apiKeyAuthenticator(nodeId: string, spec: AuthSpec, env: Env): Authenticator {
  const list = (resolved(nodeId, 'keys', spec.keys, env) ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (list.length === 0) throw new AuthConfigError(`upgrader '${nodeId}': auth.keys holds no key`, nodeId);
  // Compare digests, so every comparison takes the same time whatever the key's length.
  const digests = list.map(digest);
  const header = spec.header ?? DEFAULT_API_KEY_HEADER;
  return async (src) => {
    const key = apiKeyOf(src, header);
    if (!key) return { ok: false, status: 401, reason: `an API key is required (header ${header}, query parameter api_key, or subprotocol choreo-test-key)` };
    const d = digest(key);
    let match = false;
    for (const k of digests) match = timingSafeEqual(k, d) || match;
    return match ? { ok: true, auth: { type: 'apiKey' } } : { ok: false, status: 401, reason: 'the API key is not valid' };
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function jwtAuthenticator(nodeId: string, spec: AuthSpec, env: Env): Authenticator {
  const secret = resolved(nodeId, 'secret', spec.secret, env);
  const jwksUrl = resolved(nodeId, 'jwksUrl', spec.jwksUrl, env);
  const issuer = resolved(nodeId, 'issuer', spec.issuer, env);
  const audience = resolved(nodeId, 'audience', spec.audience, env);
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (secret !== undefined) {
    key = new TextEncoder().encode(secret);
    algorithms = HMAC_ALGS;
  } else if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new AuthConfigError(`upgrader '${nodeId}': auth.jwksUrl is not a URL`, nodeId);
    }
    // Our own fetcher, not jose's createRemoteJWKSet: a size cap, 503 for every fetch failure, a bounded refetch rate.
    key = remoteKeySet(url).getKey;
    algorithms = PUBLIC_KEY_ALGS;
  } else {
    throw new AuthConfigError(`upgrader '${nodeId}': jwt auth needs auth.secret or auth.jwksUrl`, nodeId);
  }
  // requireExp: a token without exp would be valid forever (a leaked one cannot age out).
  const options = { issuer, audience, algorithms, clockTolerance: spec.clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC, requiredClaims: spec.requireExp === true ? ['exp'] : [] };
  return async (src) => {
    const token = bearerToken(src);
    if (!token) return { ok: false, status: 401, reason: 'a bearer token is required (Authorization header, query parameter access_token, or subprotocol choreo-oauth2-token)' };
    try {
      const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      return { ok: true, auth: jwtAuth(payload) };
    } catch (error) {
      return jwtFailure(error);
    }
  };
}

function jwtAuth(payload: JWTPayload): ConnAuth {
  const auth: ConnAuth = { type: 'jwt', claims: { ...payload } };
  if (typeof payload.sub === 'string') auth.subject = payload.sub;
  return auth;
}

/** A short reason for the client: what is wrong, never the token or a stack. */
function jwtFailure(error: unknown): AuthOutcome {
  if (error instanceof JwksUnavailable) return { ok: false, status: 503, reason: 'the signing keys cannot be fetched now; try again' };
  if (error instanceof joseErrors.JWTExpired) return { ok: false, status: 401, reason: 'the token has expired' };
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === 'missing') return { ok: false, status: 401, reason: `the token has no ${error.claim} claim` };
  if (error instanceof joseErrors.JWTClaimValidationFailed) return { ok: false, status: 401, reason: `the token's ${error.claim} claim is not accepted` };
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return { ok: false, status: 503, reason: 'the signing keys cannot be fetched now; try again' };
  if (error instanceof joseErrors.JWKSNoMatchingKey) return { ok: false, status: 401, reason: 'no signing key matches the token' };
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return { ok: false, status: 401, reason: 'the token is signed with an algorithm this service does not accept' };
  if (error instanceof joseErrors.JOSEError) return { ok: false, status: 401, reason: 'the token is not valid' };
  // fetch failures of the key set (connection refused, DNS) are not JOSE errors
  return { ok: false, status: 503, reason: 'the signing keys cannot be fetched now; try again' };
}
