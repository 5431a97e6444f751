/**
 * `allowedOrigins` on an upgrader: browsers always send `Origin` on a WebSocket handshake, so a
 * page on another site (cross-site WebSocket hijacking) is refused with 403. A request without
 * `Origin` comes from a non-browser client, which could send any Origin it likes, so it is let
 * through; credentials (auth) are what protect against those.
 */

/** `HTTPS://App.Example.com:443/` -> `https://app.example.com` (what browsers send). */
export function normalizeOrigin(origin: string): string {
  try {
    const u = new URL(origin);
    if (u.origin !== 'null') return u.origin;
  } catch {
    // not a URL (e.g. the literal `null` of a sandboxed page): compare as written
  }
  return origin.trim().toLowerCase();
}

/** Returns a refusal reason, or undefined when the origin may connect. */
export type OriginCheck = (origin: string | undefined) => string | undefined;

export function createOriginCheck(allowed: readonly string[]): OriginCheck {
  const set = new Set(allowed.map(normalizeOrigin));
  return (origin) => {
    if (origin === undefined) return undefined;
    if (set.has(normalizeOrigin(origin))) return undefined;
    return `origin ${origin.slice(0, 200)} is not allowed to connect`;
  };
}
