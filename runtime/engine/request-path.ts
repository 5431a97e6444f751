/**
 * How the engine reads the request target of an upgrade (docs/security.md, "Path parameter
 * decoding"): the target is always a path, and a single-segment parameter stays one segment.
 */

/**
 * The request target as a URL on this server. `//chat/a10` is the path `//chat/a10`, never the
 * host `chat` (which `new URL(target, base)` would make of it); an absolute-form target
 * (`http://host/x`, as sent to proxies) keeps its own path.
 */
export function requestUrl(target: string | undefined): URL {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`http://localhost${raw}`) : new URL(raw, 'http://localhost/');
  } catch {
    return new URL('http://localhost/');
  }
}

/**
 * Why a decoded path parameter is not acceptable, or null. A `{param}` matches one segment, so
 * a value that decodes to something with `/` or `\` in it (`%2F`, `%5C`), or to `.` or `..`,
 * would let a handler that builds a path or a URL from it step elsewhere: refused with 400.
 */
export function badParam(params: Readonly<Record<string, string>>): string | null {
  for (const [name, value] of Object.entries(params)) {
    if (value.includes('/') || value.includes('\\')) return `path parameter "${name}" must be a single path segment (it decodes to a value with "/" or "\\")`;
    if (value === '.' || value === '..') return `path parameter "${name}" must not be "." or ".."`;
    if (value.includes('\0')) return `path parameter "${name}" must not contain a NUL character`;
  }
  return null;
}
