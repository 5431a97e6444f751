/**
 * Channels a service declares (`channels:` on the service node): names, templates and limits,
 * shared by validation, the chain compiler, the engine's channel hub and the AsyncAPI export.
 * Pure: no Node imports.
 */
import type { EmitContext, KindField, Part } from './node-kind.ts';

export interface ChannelHistory {
  /** Messages kept per channel (0 = none: a recovery succeeds only when nothing was missed). */
  size?: number;
  /** Messages older than this are dropped (default: kept until pushed out by `size`). */
  ttlSeconds?: number;
}

export interface ChannelDecl {
  /** A name template: `room:{room}`; `{x}` is filled from conn.params, conn.query, conn.attributes. */
  name: string;
  history?: ChannelHistory;
  presence?: boolean;
}

/** Longest concrete channel name (also the declared template). */
export const CHANNEL_NAME_MAX = 200;
/** Subscriptions one connection may hold at once: each costs the hub a set entry and a subscriber slot. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;
/** Bound on `history.size`: history lives in the engine's memory (or one Redis stream per channel). */
export const MAX_HISTORY_SIZE = 10_000;

/** Characters a concrete channel name may hold: safe in logs, URLs, Redis keys and AsyncAPI addresses. */
const NAME_CHARS = 'A-Za-z0-9_.:@=/-';
const NAME_RE = new RegExp(`^[${NAME_CHARS}]+$`);
/** A placeholder's value: one segment, so `room:{room}` never matches `room:a:b`. */
const VALUE_CHARS = 'A-Za-z0-9_.@=-';
const VALUE_RE = new RegExp(`^[${VALUE_CHARS}]+$`);
const PLACEHOLDER_RE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Why a concrete channel name is refused, or undefined. */
export function channelNameProblem(name: unknown, shown = name): string | undefined {
  if (typeof name !== 'string' || name === '') return 'a channel name is a non-empty string';
  if (name.length > CHANNEL_NAME_MAX) return `channel name longer than ${CHANNEL_NAME_MAX} characters`;
  if (!NAME_RE.test(name)) return `channel name "${String(shown).slice(0, 60)}" may hold only letters, digits and _ . : @ = / -`;
  return undefined;
}

/** Why a declared name template is refused, or undefined. */
export function channelTemplateProblem(template: unknown): string | undefined {
  if (typeof template !== 'string' || template === '') return 'a channel name is a non-empty string';
  const literal = template.replace(PLACEHOLDER_RE, 'x');
  if (/[{}]/.test(literal)) return `'${template}': a placeholder is {name}, letters, digits and _`;
  return channelNameProblem(literal, template);
}

export function placeholderNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as string);
}

/** Compiled matchers by template: every channel operation looks its declaration up. Bounded by the templates flows declare. */
const matchers = new Map<string, RegExp>();

/** A matcher for concrete names of a declared template (`room:{room}` matches `room:a`). */
export function templateMatcher(template: string): RegExp {
  const known = matchers.get(template);
  if (known) return known;
  const parts = template.split(PLACEHOLDER_RE);
  // split with one capture group alternates literal, name, literal, ...
  const source = parts.map((part, i) => (i % 2 === 1 ? `[${VALUE_CHARS}]+` : part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  const matcher = new RegExp(`^${source}$`);
  if (matchers.size < 10_000) matchers.set(template, matcher);
  return matcher;
}

/** The declaration a concrete name belongs to (the first that matches). */
export function findDecl<D extends ChannelDecl>(decls: readonly D[], name: string): D | undefined {
  return decls.find((d) => (d.name.includes('{') ? templateMatcher(d.name).test(name) : d.name === name));
}

/**
 * Fills `{x}` from the lookup (conn.params, then query, then attributes). Returns the name, or
 * the problem: a missing value or one that is not a single safe segment.
 */
export function fillTemplate(template: string, lookup: (name: string) => unknown): { name: string } | { problem: string } {
  let problem: string | undefined;
  const name = template.replace(PLACEHOLDER_RE, (_, key: string) => {
    const value = lookup(key);
    const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    if (text === undefined) problem ??= `{${key}} has no value (not in conn.params, conn.query or conn.attributes)`;
    else if (!VALUE_RE.test(text)) problem ??= `{${key}} is "${text.slice(0, 40)}", not one segment of letters, digits and _ . @ = -`;
    return text ?? '';
  });
  return problem === undefined ? { name } : { problem };
}

/** JSON Schema of `channels` on a service (runtime/model/kinds/service.ts). */
export const CHANNELS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: CHANNEL_NAME_MAX, description: 'A name template: room:{room} (filled from conn.params, conn.query, conn.attributes).' },
      history: {
        type: 'object',
        additionalProperties: false,
        properties: {
          size: { type: 'integer', minimum: 0, maximum: MAX_HISTORY_SIZE },
          ttlSeconds: { type: 'integer', minimum: 1 },
        },
      },
      presence: { type: 'boolean' },
    },
  },
} as const;

/** Rules the schema cannot say: template syntax, duplicates. `field` is relative to the service node. */
export function channelRules(node: Readonly<Record<string, unknown>>): { message: string; field: (string | number)[] }[] {
  const list = node.channels;
  if (!Array.isArray(list)) return [];
  const out: { message: string; field: (string | number)[] }[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i) => {
    const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
    if (typeof name !== 'string') return; // the schema reports it
    const problem = channelTemplateProblem(name);
    if (problem) out.push({ message: `Channel ${i + 1}: ${problem}.`, field: ['channels', i, 'name'] });
    else if (seen.has(name)) out.push({ message: `Channel '${name}' is declared twice on this service.`, field: ['channels', i, 'name'] });
    seen.add(name);
  });
  return out;
}

/** The `channel` field of subscribe, unsubscribe and publish. */
export const CHANNEL_FIELD: KindField = {
  kind: 'template',
  required: true,
  help: 'A channel the service declares: `room:{room}` (filled from conn.params, query, attributes) or a template `room:${conn.params.room}`.',
};

export const channelArg = (e: EmitContext): Part => e.t('channel');
