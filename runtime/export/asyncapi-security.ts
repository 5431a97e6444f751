/**
 * Security schemes of the exported AsyncAPI document, from the upgraders' `auth`: a JWT is an
 * `http` `bearer` scheme, an API key an `httpApiKey` scheme in its header. The query-parameter
 * and subprotocol alternatives the engine also accepts are named in the scheme's description,
 * since AsyncAPI has no way to say "one of these places".
 */
import type { AuthSpec } from '../model/types.ts';
import { DEFAULT_API_KEY_HEADER } from '../engine/security/credentials.ts';

type Json = Record<string, unknown>;

export function securitySchemeName(auth: AuthSpec): string {
  return auth.type === 'apiKey' ? `apiKey-${(auth.header ?? DEFAULT_API_KEY_HEADER).toLowerCase()}` : 'bearerJwt';
}

export function securityScheme(auth: AuthSpec): Json {
  if (auth.type === 'apiKey') {
    return {
      type: 'httpApiKey',
      name: auth.header ?? DEFAULT_API_KEY_HEADER,
      in: 'header',
      description: 'An API key in this header; browsers may pass it as the query parameter api_key or in the subprotocol list as `choreo-test-key, KEY`.',
    };
  }
  const checks = [auth.issuer ? `issuer ${auth.issuer}` : '', auth.audience ? `audience ${auth.audience}` : ''].filter((s) => s !== '');
  return {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `A JWT in \`Authorization: Bearer TOKEN\`${checks.length > 0 ? ` (${checks.join(', ')})` : ''}; browsers may pass it as the query parameter access_token ` +
      'or in the subprotocol list as `choreo-oauth2-token, TOKEN`.',
  };
}

/** `components.securitySchemes` for every auth in use, or undefined when no upgrader has one. */
export function securitySchemes(auths: readonly (AuthSpec | undefined)[]): Json | undefined {
  const out: Json = {};
  for (const a of auths) if (a) out[securitySchemeName(a)] = securityScheme(a);
  return Object.keys(out).length > 0 ? Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
}
