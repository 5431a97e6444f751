/**
 * Server-side request forgery rules of the `http` step (docs/connectors/http.md, docs/security.md),
 * the pure half: whether a URL template is built from client input, the syntax of `allow`
 * entries, and the guard a step carries to the engine. The Node half (DNS, address ranges,
 * redirects) is runtime/connectors/http-guard.ts.
 */

/** What the engine checks a request against: `allow` given = only those; absent = no private addresses. */
export interface HttpGuardSpec {
  allow?: string[];
}

/** `${...}` expressions of a chain template (a JavaScript template literal). */
const PLACEHOLDER = /\$\{([^}]*)\}/g;
/** Placeholders whose values the service, not the client, decides. */
const TRUSTED = /^\s*(?:(?:ctx\.)?env\.[A-Za-z_][A-Za-z0-9_]*|conn\.(?:id|service))\s*$/;

/**
 * The placeholders of `url` that may carry client input into the host: every one but
 * `${env.NAME}`, `${conn.id}` and `${conn.service}` (text, json, vars, conn.params, conn.query,
 * conn.headers, conn.path, any expression: a value a client can influence) that comes before
 * the authority is closed. The authority counts as closed once, after `scheme://` (or a leading
 * `${env.NAME}`, assumed to hold at least a scheme and host), a literal `/`, `?` or `#` follows:
 * input after that can change the path or the query, never the host (`${env.API}/users/${text}`
 * stays on API's host; `http://${text}/` and `${env.API}${text}` do not: `@evil.example`).
 */
export function clientInputIn(url: string): string[] {
  const found: string[] = [];
  let prefix = '';
  let last = 0;
  for (const m of url.matchAll(PLACEHOLDER)) {
    prefix += url.slice(last, m.index);
    last = m.index + m[0].length;
    const trusted = TRUSTED.test(m[1] ?? '');
    if (!trusted && !authorityClosed(prefix)) found.push(m[0]);
    // A placeholder is opaque text: it never closes the authority by itself.
    prefix += trusted ? 'T' : 'X';
  }
  return found;
}

function authorityClosed(prefix: string): boolean {
  return /[/?#\\]/.test(prefix.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''));
}

const HOST = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-f:.]*:[0-9a-f:.]*$/i;

/** Why an `allow` entry is not a host name (`api.example.com`, `*.example.com`), an address or a CIDR; undefined when it is. */
export function allowEntryProblem(entry: string): string | undefined {
  const [addr = '', bits, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return 'has more than one /';
  if (bits !== undefined) {
    const max = IPV4.test(addr) ? 32 : IPV6.test(addr) ? 128 : -1;
    if (max < 0) return 'is a prefix length on something that is not an IP address';
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `has a prefix length that is not 0 to ${max}`;
    return undefined;
  }
  if (IPV4.test(addr) || IPV6.test(addr) || HOST.test(addr)) return undefined;
  return 'is not a host name (api.example.com, *.example.com), an IP address or a CIDR (10.0.0.0/8)';
}

/** The guard an http step sends with each request; undefined when nothing needs checking. */
export function httpGuardOf(node: Readonly<Record<string, unknown>>): HttpGuardSpec | undefined {
  const allow = Array.isArray(node.allow) ? node.allow.filter((a): a is string => typeof a === 'string') : undefined;
  if (allow && allow.length > 0) return { allow };
  if (typeof node.url === 'string' && clientInputIn(node.url).length > 0) return {};
  return undefined;
}
