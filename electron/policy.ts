/**
 * Security policy of the window, as pure functions: which URLs are the app, what may navigate,
 * which IPC senders are trusted, which permissions are granted (none), and the CSP header.
 * `main.ts` only plugs these into Electron's hooks.
 */

/**
 * Content-Security-Policy of the app pages. Monaco needs inline styles and blob: workers; the
 * renderer talks to the studio backend over ws://127.0.0.1; nothing else is reachable.
 * Written as one literal assignment so electronegativity's CSP check can read and evaluate it.
 */
function cspHeader(): Record<string, string> {
  const header: Record<string, string> = {};
  header['Content-Security-Policy'] =
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return header;
}

export const CONTENT_SECURITY_POLICY: string = cspHeader()['Content-Security-Policy'] ?? "default-src 'none'";

/** The origin (`http://127.0.0.1:PORT`) of a URL, or undefined when it is not http(s). */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.origin;
  } catch {
    return undefined;
  }
}

/** True only for URLs on exactly the app origin (scheme, host and port). */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const origin = originOf(url);
  return origin !== undefined && origin === appOrigin;
}

/** `will-navigate` / `will-redirect`: stay inside the app, never leave it. */
export function allowNavigation(url: string, appOrigin: string): boolean {
  return isAppUrl(url, appOrigin);
}

/**
 * `window.open` and `target=_blank`: always denied. The designer is a single window; a second
 * window of the app would be a second studio session, so even same-origin opens are refused.
 */
export function windowOpenResponse(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** Permission requests and checks (camera, notifications, clipboard-read, ...): all denied. */
export function grantPermission(_permission: string): boolean {
  return false;
}

/** Minimal view of an IPC event's sender frame. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: SenderFrame | null;
}

/**
 * IPC sender check: the message must come from the top frame of an app page. A frame that
 * navigated elsewhere (or an iframe) is refused even though it runs in the same window.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined, appOrigin: string): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigin);
}

/**
 * Response headers with the CSP set (replacing any other CSP header, whatever its case) for app
 * responses; other responses are returned untouched.
 */
export function withContentSecurityPolicy(
  url: string,
  headers: Record<string, string[]> | undefined,
  appOrigin: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name] = value;
  if (!isAppUrl(url, appOrigin)) return result;
  for (const name of Object.keys(result)) {
    if (name.toLowerCase() === 'content-security-policy') delete result[name];
  }
  for (const [name, value] of Object.entries(cspHeader())) result[name] = [value];
  return result;
}
