/**
 * Connector field templates: `mqtt://${env.MQTT_HOST}:1883`, `sensors/${conn.params.topic}`.
 *
 * A placeholder is a dotted path only (no code), so that the main thread can fill a template
 * without running user code and validation can check every reference statically. The
 * placeholder shape and the `${env.NAME}` syntax come from env-refs.ts, the one reader of them.
 * Pure (no `node:` imports): the designer uses it too.
 */
import { ENV_NAME, PLACEHOLDER } from './env-refs.ts';

const PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$-]*)*$/;

export interface TemplateRef {
  /** `['env', 'MQTT_URL']`, `['conn', 'params', 'topic']` */
  path: string[];
  /** 0-based offset of `${` in the template text. */
  offset: number;
  /** The placeholder as written. */
  text: string;
}

export interface TemplateIssue {
  offset: number;
  message: string;
}

export interface ScannedTemplate {
  refs: TemplateRef[];
  issues: TemplateIssue[];
}

/** What a connection binding's template may read: these roots and shapes only. */
const ALLOWED: readonly { root: string; depth: number; hint: string }[] = [
  { root: 'env', depth: 2, hint: 'env.NAME' },
  { root: 'conn.params', depth: 3, hint: 'conn.params.NAME' },
  { root: 'conn.query', depth: 3, hint: 'conn.query.NAME' },
  { root: 'conn.headers', depth: 3, hint: 'conn.headers.NAME' },
  { root: 'conn.id', depth: 2, hint: 'conn.id' },
  { root: 'conn.path', depth: 2, hint: 'conn.path' },
  { root: 'conn.service', depth: 2, hint: 'conn.service' },
];

export function scanTemplate(text: string): ScannedTemplate {
  const refs: TemplateRef[] = [];
  const issues: TemplateIssue[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const offset = match.index;
    const inner = match[1] ?? '';
    if (!PATH.test(inner)) {
      issues.push({ offset, message: `'${match[0]}' is not a placeholder wsflow can fill; write a dotted name such as \${env.NAME} or \${conn.params.NAME}` });
      continue;
    }
    const path = inner.split('.');
    const dotted = path.join('.');
    const rule = ALLOWED.find((a) => dotted === a.root || dotted.startsWith(`${a.root}.`));
    if (!rule || path.length !== rule.depth) {
      issues.push({ offset, message: `'${match[0]}' cannot be filled here; use one of ${ALLOWED.map((a) => `\${${a.hint}}`).join(', ')}` });
      continue;
    }
    if (path[0] === 'env' && !ENV_NAME.test(path[1] ?? '')) {
      issues.push({ offset, message: `'${path[1] ?? ''}' is not an environment variable name (letters, digits, _; not starting with a digit)` });
      continue;
    }
    refs.push({ path, offset, text: match[0] });
  }
  return { refs, issues };
}

export interface TemplateScope {
  env: Readonly<Record<string, string | undefined>>;
  conn?: {
    id: string;
    path: string;
    service: string;
    params: Readonly<Record<string, string>>;
    query: Readonly<Record<string, string | number | boolean | undefined>>;
    headers: Readonly<Record<string, string>>;
  };
}

export class TemplateError extends Error {
  constructor(
    message: string,
    /** The connection supplied a value the field refuses (not a missing value). */
    readonly refused = false,
    readonly code = refused ? 'WSF_TEMPLATE_VALUE_REFUSED' : 'WSF_TEMPLATE_UNRESOLVED',
  ) {
    super(message);
  }
}

/**
 * Fills every placeholder; a placeholder without a value is an error (never an empty string).
 * `checkValue` vets what a connection supplies (path, query, headers): a client must not be able
 * to widen what a field means, e.g. put an MQTT wildcard into a topic.
 */
export function renderTemplate(text: string, scope: TemplateScope, checkValue?: (value: string) => string | undefined): string {
  return text.replace(PLACEHOLDER, (whole, inner: string) => {
    const path = inner.split('.');
    let value: unknown;
    if (path[0] === 'env') value = scope.env[path[1] ?? ''];
    else if (path[0] === 'conn' && scope.conn) {
      value = path.length === 2 ? (scope.conn as unknown as Record<string, unknown>)[path[1] ?? ''] : ((scope.conn as unknown as Record<string, Record<string, unknown>>)[path[1] ?? ''] ?? {})[path[2] ?? ''];
    }
    if (value === undefined || value === null) {
      throw new TemplateError(path[0] === 'env' ? `environment variable ${path[1]} is not set` : `${whole} has no value for this connection`);
    }
    const filled = typeof value === 'string' ? value : JSON.stringify(value);
    const refused = path[0] === 'conn' && checkValue ? checkValue(filled) : undefined;
    if (refused) throw new TemplateError(`${whole} of this connection ${refused}`, true);
    return filled;
  });
}
