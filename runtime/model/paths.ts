/**
 * Upgrade path templates: `basePath` + `upgradePath` joined, `{param}` for one non-empty segment,
 * `/*` (or a trailing `*`) for any rest. Pure: the engine routes with it, the validator and the
 * canvas check templates with it, the AsyncAPI exporter reads the parameter names.
 */

/** A compiled template. `match` returns URL-decoded parameter values, or null. */
export interface CompiledPath {
  template: string;
  /** Parameter names in template order. */
  params: string[];
  /** True when the template ends with a wildcard (`/*` or `*`). */
  wildcard: boolean;
  /** Number of literal (parameter-free) segments; more = more specific, the router tries those first. */
  literalSegments: number;
  match(pathname: string): Record<string, string> | null;
}

/** Thrown by `compilePathTemplate` for a template that cannot be used (message says why). */
export class PathTemplateError extends Error {
  constructor(
    message: string,
    readonly template: string,
  ) {
    super(message);
    this.name = 'PathTemplateError';
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Param names become JS property names in snippets (`conn.params.name`), so they must be identifiers. */
export function isValidParamName(name: string): boolean {
  return IDENTIFIER.test(name);
}

function normalizePart(part: string | undefined): string {
  let p = (part ?? '').trim();
  if (p === '' || p === '/') return '';
  if (!p.startsWith('/')) p = `/${p}`;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** `/chat` + `/{name}` = `/chat/{name}`; both default to `/`; no doubled or trailing slashes. */
export function joinPath(basePath?: string, upgradePath?: string): string {
  const joined = normalizePart(basePath) + normalizePart(upgradePath);
  return joined === '' ? '/' : joined.replace(/\/{2,}/g, '/');
}

/** Parameter names of a template, in order, without validating them. */
export function templateParamNames(template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
}

/**
 * The template with every `{param}` replaced by `{}`: two templates with the same shape route the
 * same requests (the validator reports those as duplicate paths).
 */
export function pathShape(template: string): string {
  const t = joinPath(template);
  return t.replace(/\{[^{}]*\}/g, '{}');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compilePathTemplate(template: string): CompiledPath {
  const normalized = joinPath(template);
  let body = normalized;
  let wildcard = false;
  // `/x/*` = `/x` and anything under it; `/x*` = any path that starts with `/x`.
  let segmentStar = false;
  if (body.endsWith('/*')) {
    wildcard = true;
    body = body.slice(0, -2);
  } else if (body.endsWith('*')) {
    wildcard = true;
    segmentStar = true;
    body = body.slice(0, -1);
  }
  if (body.includes('*')) {
    throw new PathTemplateError(`"*" may only appear at the end of path "${template}"`, template);
  }
  const params: string[] = [];
  let pattern = '';
  let literalSegments = 0;
  const segments = body === '' || body === '/' ? [] : body.slice(1).split('/');
  for (const segment of segments) {
    // Tokenize one segment into literals and {param} references.
    const tokens = segment.split(/(\{[^{}]*\})/).filter((s) => s !== '');
    if (segment.includes('{') || segment.includes('}')) {
      const leftover = tokens.filter((t) => !/^\{[^{}]*\}$/.test(t)).join('');
      if (leftover.includes('{') || leftover.includes('}')) {
        throw new PathTemplateError(`unbalanced "{" or "}" in path "${template}"`, template);
      }
    } else {
      literalSegments += 1;
    }
    pattern += '/';
    for (const token of tokens) {
      const m = /^\{([^{}]*)\}$/.exec(token);
      if (!m) {
        pattern += escapeRegExp(token);
        continue;
      }
      const name = m[1] ?? '';
      if (!isValidParamName(name)) {
        throw new PathTemplateError(
          `path parameter "{${name}}" in "${template}" is not a valid identifier (letters, digits or _, not starting with a digit)`,
          template,
        );
      }
      if (params.includes(name)) {
        throw new PathTemplateError(`path parameter "{${name}}" appears twice in "${template}"`, template);
      }
      params.push(name);
      pattern += '([^/]+)';
    }
  }
  // `/chat/*` also matches `/chat`; a single trailing slash is tolerated on fixed templates.
  const tail = wildcard ? (segmentStar ? '.*' : '(?:/.*)?') : '/?';
  const regex = new RegExp(`^${pattern}${tail}$`);
  return {
    template: normalized,
    params,
    wildcard,
    literalSegments,
    match(pathname: string) {
      const m = regex.exec(pathname);
      if (!m) return null;
      const values: Record<string, string> = {};
      for (let i = 0; i < params.length; i++) {
        const raw = m[i + 1] ?? '';
        let decoded: string;
        try {
          decoded = decodeURIComponent(raw);
        } catch {
          return null; // malformed %-escape: not a path we serve
        }
        if (decoded === '') return null;
        values[params[i] as string] = decoded;
      }
      return values;
    },
  };
}
