/**
 * Where a client's credentials ride on the upgrade request: a header, a query parameter, or, for
 * browsers (which cannot set headers on a WebSocket), the subprotocol list as Choreo's gateway
 * reads it: `Sec-WebSocket-Protocol: choreo-oauth2-token, TOKEN[, real-protocol]` and
 * `choreo-test-key, KEY`. The marker and its value are never treated as real subprotocols.
 */

export const JWT_PROTOCOL_MARKER = 'choreo-oauth2-token';
export const API_KEY_PROTOCOL_MARKER = 'choreo-test-key';
export const JWT_QUERY_PARAM = 'access_token';
export const API_KEY_QUERY_PARAM = 'api_key';
export const DEFAULT_API_KEY_HEADER = 'x-api-key';

export interface OfferedProtocols {
  /** the real subprotocols the client offered, in its order */
  protocols: string[];
  /** a credential marker the client offered (a protocol the server may answer with) */
  marker?: string;
  /** the value that followed `choreo-oauth2-token` */
  bearer?: string;
  /** the value that followed `choreo-test-key` */
  apiKey?: string;
}

export function splitOfferedProtocols(offered: readonly string[]): OfferedProtocols {
  const out: OfferedProtocols = { protocols: [] };
  for (let i = 0; i < offered.length; i++) {
    const p = offered[i] as string;
    if ((p === JWT_PROTOCOL_MARKER || p === API_KEY_PROTOCOL_MARKER) && out.marker === undefined) {
      out.marker = p;
      const value = offered[i + 1];
      if (value !== undefined) {
        if (p === JWT_PROTOCOL_MARKER) out.bearer = value;
        else out.apiKey = value;
        i++;
      }
      continue;
    }
    out.protocols.push(p);
  }
  return out;
}

export function isCredentialMarker(protocol: string): boolean {
  return protocol === JWT_PROTOCOL_MARKER || protocol === API_KEY_PROTOCOL_MARKER;
}

/** What the request carries, gathered once in the upgrade pipeline. */
export interface CredentialSource {
  /** lower-case header names */
  headers: Readonly<Record<string, string>>;
  query: URLSearchParams;
  offered: OfferedProtocols;
}

export function bearerToken(src: CredentialSource): string | undefined {
  const header = src.headers.authorization;
  if (header) {
    const m = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (m) return m[1];
  }
  return src.query.get(JWT_QUERY_PARAM) || src.offered.bearer || undefined;
}

export function apiKeyOf(src: CredentialSource, header: string): string | undefined {
  return src.headers[header.toLowerCase()] || src.query.get(API_KEY_QUERY_PARAM) || src.offered.apiKey || undefined;
}
