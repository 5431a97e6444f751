/**
 * One emitter per action node type: the TypeScript a person would write for that step. Together
 * with ACTION_SPECS (runtime/model/actions.ts) this is the whole definition of a node type; the
 * `Record<ActionType, Emitter>` makes a type without an emitter a compile error.
 */
import type { ActionType } from '../model/types.ts';
import type { Part } from './builder.ts';
import type { ChainEvent } from '../model/actions.ts';

export interface EmitContext {
  /** The node's fields as written. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The event whose chain this is. */
  readonly event: ChainEvent;
  /** `'await '` in an async chain, else `''`. */
  readonly await: string;
  /** A unique suffix for local names of this node. */
  readonly uid: string;
  has(field: string): boolean;
  /** The field as a TypeScript expression (`fallback` when absent). */
  x(field: string, fallback?: string): Part;
  /** The field as an expression that stands alone (`if (...)`), without extra parentheses. */
  bare(field: string, fallback: string): Part;
  /** The field as a template literal. */
  t(field: string): Part;
  /** The field as a JSON string literal (names, case values). */
  lit(field: string, value?: string): Part;
  /** The field's statements. */
  code(field: string): Part;
  str(field: string, fallback: string): string;
  line(...parts: Part[]): void;
  indent(delta: number): void;
  /** Writes the steps that follow at `port` (nothing when the port is not wired). */
  follow(port: string): void;
  wired(port: string): boolean;
}

export interface Emitter {
  emit(e: EmitContext): void;
  /** True when this node needs `await` (then the whole handler is async). */
  isAsync?(raw: Readonly<Record<string, unknown>>): boolean;
}

/** `message` (template) or `value` (expression): what a send step sends. */
const payload = (e: EmitContext): Part => (e.has('message') ? e.t('message') : e.x('value', 'undefined'));
/** What a publish step sends by default: the event's text or bytes. */
const eventPayload = (e: EmitContext): Part => (e.event === 'onText' ? 'text' : e.event === 'onBinary' ? 'data' : "''");
const mentionsAwait = (value: unknown) => typeof value === 'string' && /\bawait\b/.test(value);

export const EMITTERS: Readonly<Record<ActionType, Emitter>> = {
  if: {
    emit(e) {
      e.line('if (', e.bare('condition', 'false'), ') {');
      e.indent(1);
      e.follow('then');
      e.indent(-1);
      if (e.wired('else')) {
        e.line('} else {');
        e.indent(1);
        e.follow('else');
        e.indent(-1);
      }
      e.line('}');
    },
  },
  switch: {
    emit(e) {
      const v = `value${e.uid}`;
      e.line(`const ${v} = `, e.x('value', 'undefined'), ';');
      const cases = Array.isArray(e.raw.cases) ? e.raw.cases : [];
      let first = true;
      for (const c of cases) {
        const port = String(c);
        if (!e.wired(port)) continue;
        const value: Part = typeof c === 'number' ? String(c) : e.lit('cases', port);
        e.line(first ? 'if (' : '} else if (', v, ' === ', value, ') {');
        first = false;
        e.indent(1);
        e.follow(port);
        e.indent(-1);
      }
      if (e.wired('default')) {
        e.line(first ? '{' : '} else {');
        first = false;
        e.indent(1);
        e.follow('default');
        e.indent(-1);
      }
      if (!first) e.line('}');
    },
  },
  reply: {
    emit(e) {
      e.line('conn.send(', payload(e), ');');
    },
  },
  broadcast: {
    emit(e) {
      e.line('ctx.broadcast(', payload(e), e.raw.exceptSender === true ? ', { except: conn });' : ');');
    },
  },
  sendTo: {
    emit(e) {
      if (e.has('to')) {
        e.line('ctx.sendTo(', e.x('to'), ', ', payload(e), ');');
        return;
      }
      const want = `wanted${e.uid}`;
      e.line(`const ${want}: unknown = `, e.x('equals', 'undefined'), ';');
      e.line('ctx.sendTo(ctx.connections.filter((c) => c.attributes[', e.lit('attribute'), `] === ${want}).map((c) => c.id), `, payload(e), ');');
    },
  },
  set: {
    isAsync: (raw) => raw.target === 'state' || mentionsAwait(raw.value) || mentionsAwait(raw.by),
    emit(e) {
      const target = e.str('target', 'var');
      const op = e.str('op', 'set');
      const as = e.has('as') ? `vars.${e.str('as', '')} = ` : '';
      if (target === 'state') {
        const key = e.t('key');
        if (op === 'set') e.line(`${e.await}ctx.state.set(`, key, ', ', e.x('value', 'undefined'), ');');
        else if (op === 'incr') e.line(`${as}${e.await}ctx.state.incr(`, key, ...(e.has('by') ? [', ', e.x('by')] : []), ');');
        else if (op === 'get') e.line(`${as}${e.await}ctx.state.get(`, key, ');');
        else e.line(`${as}${e.await}ctx.state.delete(`, key, ');');
        return;
      }
      if (target === 'attribute') {
        const k = e.lit('name');
        if (op === 'set') e.line('conn.attributes[', k, '] = ', e.x('value', 'undefined'), ';');
        else if (op === 'incr') {
          e.line('conn.attributes[', k, '] = Number(conn.attributes[', k, '] ?? 0) + ', e.x('by', '1'), ';');
          if (as) e.line(as, 'conn.attributes[', k, '];');
        } else if (op === 'get') e.line(as, 'conn.attributes[', k, '];');
        else e.line('delete conn.attributes[', k, '];');
        return;
      }
      const name = `vars.${e.str('name', '_')}`;
      if (op === 'set') e.line(`${name} = `, e.x('value', 'undefined'), ';');
      else if (op === 'incr') e.line(`${name} = Number(${name} ?? 0) + `, e.x('by', '1'), ';');
      else e.line(`delete ${name};`);
    },
  },
  close: {
    emit(e) {
      e.line('conn.close(', e.x('code', '1000'), ...(e.has('reason') ? [', ', e.t('reason')] : []), ');');
    },
  },
  log: {
    emit(e) {
      e.line(`ctx.log.${e.str('level', 'info')}(`, e.t('message'), ');');
    },
  },
  delay: {
    isAsync: () => true,
    emit(e) {
      e.line(`${e.await}new Promise<void>((resolve) => setTimeout(resolve, `, e.x('ms', '0'), '));');
    },
  },
  code: {
    isAsync: (raw) => mentionsAwait(raw.code),
    emit(e) {
      e.line('{', e.code('code'), '}');
    },
  },
  accept: {
    emit(e) {
      const parts: Part[] = ['return { accept: true'];
      if (e.has('firstMessage')) parts.push(', firstMessage: ', e.t('firstMessage'));
      if (e.has('protocol')) parts.push(', protocol: ', e.x('protocol'));
      e.line(...parts, ' };');
    },
  },
  http: {
    isAsync: () => true,
    emit(e) {
      const parts: Part[] = [`vars.${e.str('as', 'response')} = ${e.await}ctx.http({ method: `, e.lit('method', e.str('method', 'GET')), ', url: ', e.t('url')];
      if (e.has('headers')) parts.push(', headers: ', e.x('headers'));
      if (e.has('body')) parts.push(', body: ', e.t('body'));
      if (e.has('timeoutMs')) parts.push(', timeoutMs: ', e.x('timeoutMs'));
      if (e.has('retries')) parts.push(', retries: ', e.x('retries'));
      e.line(...parts, ' });');
    },
  },
  mqttOut: {
    isAsync: () => true,
    emit(e) {
      const options: Part[] = [];
      if (e.has('qos')) options.push('qos: ', e.x('qos'));
      if (e.raw.retain === true) options.push(options.length ? ', ' : '', 'retain: true');
      e.line(`${e.await}ctx.mqtt(`, e.t('url'), ').publish(', e.t('topic'), ', ', e.has('payload') ? e.t('payload') : eventPayload(e), ...(options.length ? [', { ', ...options, ' }'] : []), ');');
    },
  },
  redisOut: {
    isAsync: () => true,
    emit(e) {
      e.line(`${e.await}ctx.redis(`, e.t('url'), ').publish(', e.t('channel'), ', ', e.has('message') ? e.t('message') : eventPayload(e), ');');
    },
  },
  reject: {
    emit(e) {
      e.line('return { accept: false, status: ', e.x('status', '403'), ...(e.has('reason') ? [', reason: ', e.t('reason')] : []), ' };');
    },
  },
};
