/**
 * The one place that makes text fit for messages, logs and traces: credentials are taken out of
 * every URL (user name and password, and query parameters that carry secrets). Pure (no Node
 * built-ins), so the engine, the connectors, the exported service and the CLI share it.
 */

/** Query parameter names whose values are secrets (`token`, `access_token`, `api_key`, `password`, `X-Amz-Signature`...). */
const SECRET_PARAM = /(?:^|[_.-])(?:token|key|apikey|secret|password|passwd|pwd|pass|auth|authorization|sig|signature|credential|credentials|session|code)$/i;

/** What replaces a removed secret. */
export const REDACTED = '***';

/** Schemes are matched loosely: any `scheme://...` up to white space or a quote or bracket. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // A malformed escape: judge the raw name.
  }
  return SECRET_PARAM.test(decoded.trim());
}

/** `a=1&token=x` -> `a=1&token=***`; the other parameters are kept byte for byte. */
function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      return isSecretParam(pair.slice(0, eq)) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * A URL fit for logs and traces: `http://user:pass@host/x?token=t&a=1` ->
 * `http://***@host/x?token=***&a=1`. Works on the text (not a parse and re-serialize), so a URL
 * that does not parse is still scrubbed and everything else is shown as written.
 */
export function redactUrl(url: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)/i.exec(url);
  let rest = scheme ? url.slice(scheme[1]!.length) : url;
  let head = scheme ? scheme[1]! : '';
  if (scheme) {
    // The authority ends at the first / ? or #; its userinfo is everything before the last @.
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      head += `${REDACTED}@${authority.slice(at + 1)}`;
      rest = end < 0 ? '' : rest.slice(end);
    }
  }
  // The fragment too: OAuth's implicit flow puts `access_token=...` there.
  const hash = rest.indexOf('#');
  const fragment = hash < 0 ? '' : `#${redactQuery(rest.slice(hash + 1))}`;
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  if (q < 0) return head + rest + fragment;
  return `${head}${rest.slice(0, q + 1)}${redactQuery(rest.slice(q + 1))}${fragment}`;
}

/** Every URL in a free text (an error message, a log line) with its credentials removed. */
export function scrubSecrets(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, (url) => redactUrl(url)) : text;
}
