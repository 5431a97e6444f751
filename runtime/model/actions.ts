/**
 * The vocabulary of low-code action nodes: for each type, its fields (and what kind of value each
 * holds), its output ports and the chains it may appear in. Pure data shared by validation, the
 * chain compiler (runtime/lowcode), the JSON Schema test and the designer's forms.
 *
 * Adding a node type = one entry here + one emitter in runtime/lowcode/emitters.ts (the compiler's
 * `Record<ActionType, Emitter>` makes a missing emitter a type error).
 */
import type { ActionType, HandlerEvent } from './types.ts';

/**
 * - `expr`: a TypeScript expression (`conn.params.name`, `vars.count > 1`); YAML numbers and
 *   booleans are taken as their literal text.
 * - `template`: a template literal body without backticks (`${conn.params.name}: ${text}`).
 * - `name`: a plain name (a chain variable or connection attribute), letters, digits, `_`, `$`.
 * - `enum`: one of `values`.
 * - `boolean`, `list` (a YAML list of strings or numbers), `code` (TypeScript statements).
 */
export type FieldKind = 'expr' | 'template' | 'name' | 'enum' | 'boolean' | 'list' | 'code';

export interface FieldSpec {
  kind: FieldKind;
  /** One line for the inspector and docs/lowcode.md. */
  doc: string;
  required?: boolean;
  values?: readonly string[];
  /** Shown as placeholder and used when the field is absent. */
  default?: string | number | boolean;
}

/** Where a chain starts: a handler event or the upgrader. */
export type ChainEvent = HandlerEvent | 'upgrader';
export const CHAIN_EVENTS: readonly ChainEvent[] = ['upgrader', 'onOpen', 'onText', 'onBinary', 'onClose', 'onError'];

export interface ActionSpec {
  title: string;
  /** Palette group. */
  group: 'Flow' | 'Send' | 'Data' | 'Connection' | 'Integration' | 'Advanced';
  doc: string;
  fields: Readonly<Record<string, FieldSpec>>;
  /**
   * Output ports. `['next']` for a plain step (its edges carry no `port`); a function for ports
   * that depend on the node's fields (switch cases). `[]` for a node that ends the chain.
   */
  ports: readonly string[] | ((node: Readonly<Record<string, unknown>>) => string[]);
  /** The chains it may appear in (default: every connection event, not the upgrader). */
  events?: readonly ChainEvent[];
  /** Fields of which exactly one must be given (reply: `message` or `value`). */
  oneOf?: readonly string[];
}

export const NEXT = 'next';
const CONNECTION_EVENTS: readonly ChainEvent[] = ['onOpen', 'onText', 'onBinary', 'onClose', 'onError'];
const ALL_EVENTS = CHAIN_EVENTS;

const MESSAGE: Record<string, FieldSpec> = {
  message: { kind: 'template', doc: 'Text to send, a template: `${conn.params.name}: ${text}`.' },
  value: { kind: 'expr', doc: 'Or an expression to send as is: a string, bytes (`data`), or an object sent as JSON.' },
};

export const ACTION_SPECS: Readonly<Record<ActionType, ActionSpec>> = {
  if: {
    title: 'If',
    group: 'Flow',
    doc: 'Goes on at `then` when the condition is true, else at `else`.',
    fields: { condition: { kind: 'expr', required: true, doc: 'A TypeScript condition, e.g. `conn.query.age !== undefined`.' } },
    ports: ['then', 'else'],
    events: ALL_EVENTS,
  },
  switch: {
    title: 'Switch',
    group: 'Flow',
    doc: 'Goes on at the port named like the case equal to the value, else at `default`.',
    fields: {
      value: { kind: 'expr', required: true, doc: 'The value to compare, e.g. `json?.type`.' },
      cases: { kind: 'list', required: true, doc: 'Case values (strings or numbers); each is an output port.' },
    },
    ports: (node) => [...(Array.isArray(node.cases) ? node.cases.map((c) => String(c)) : []), 'default'],
    events: ALL_EVENTS,
  },
  reply: {
    title: 'Reply',
    group: 'Send',
    doc: 'Sends a message to the current connection.',
    fields: MESSAGE,
    oneOf: ['message', 'value'],
    ports: [NEXT],
    events: CONNECTION_EVENTS,
  },
  broadcast: {
    title: 'Broadcast',
    group: 'Send',
    doc: 'Sends a message to every connection of the service (on every instance).',
    fields: { ...MESSAGE, exceptSender: { kind: 'boolean', doc: 'Skip the current connection.', default: false } },
    oneOf: ['message', 'value'],
    ports: [NEXT],
  },
  sendTo: {
    title: 'Send to',
    group: 'Send',
    doc: 'Sends a message to connections chosen by id (`to`) or by an attribute value (`attribute` equals `equals`, connections of this instance).',
    fields: {
      ...MESSAGE,
      to: { kind: 'expr', doc: 'A connection id or a list of ids.' },
      attribute: { kind: 'name', doc: 'Or: the attribute to match ...' },
      equals: { kind: 'expr', doc: '... and the value it must equal.' },
    },
    oneOf: ['message', 'value'],
    ports: [NEXT],
  },
  set: {
    title: 'Set',
    group: 'Data',
    doc: 'Sets a chain variable (`vars.NAME`), a connection attribute, or a service state key (set, incr, get, delete).',
    fields: {
      target: { kind: 'enum', values: ['var', 'attribute', 'state'], default: 'var', doc: 'What to change.' },
      op: { kind: 'enum', values: ['set', 'incr', 'get', 'delete'], default: 'set', doc: 'The operation (get only for state).' },
      name: { kind: 'name', doc: 'Variable or attribute name (target var/attribute).' },
      key: { kind: 'template', doc: 'State key, a template: `user:${conn.params.name}` (target state).' },
      value: { kind: 'expr', doc: 'The value to set (op set).' },
      by: { kind: 'expr', doc: 'Amount to add (op incr).', default: 1 },
      as: { kind: 'name', doc: 'Store the result (state incr/get/delete) in `vars.AS`.' },
    },
    ports: [NEXT],
    events: ALL_EVENTS,
  },
  close: {
    title: 'Close',
    group: 'Connection',
    doc: 'Closes the current connection.',
    fields: {
      code: { kind: 'expr', doc: 'Close code, e.g. `1003`.', default: 1000 },
      reason: { kind: 'template', doc: 'Close reason (at most 123 bytes).' },
    },
    ports: [NEXT],
    events: CONNECTION_EVENTS,
  },
  log: {
    title: 'Log',
    group: 'Advanced',
    doc: 'Writes a line to the service log (and the designer trace).',
    fields: {
      level: { kind: 'enum', values: ['info', 'warn', 'error'], default: 'info', doc: 'Log level.' },
      message: { kind: 'template', required: true, doc: 'The line, a template.' },
    },
    ports: [NEXT],
    events: ALL_EVENTS,
  },
  delay: {
    title: 'Delay',
    group: 'Advanced',
    doc: 'Waits before the next step (later messages of the connection wait too).',
    fields: { ms: { kind: 'expr', required: true, doc: 'Milliseconds.' } },
    ports: [NEXT],
    events: ALL_EVENTS,
  },
  code: {
    title: 'Code',
    group: 'Advanced',
    doc: 'TypeScript statements run in the chain scope (the escape hatch); may use `await`.',
    fields: { code: { kind: 'code', required: true, doc: 'Statements, e.g. `vars.n = text.length;`.' } },
    ports: [NEXT],
    events: ALL_EVENTS,
  },
  accept: {
    title: 'Accept',
    group: 'Connection',
    doc: 'Accepts the upgrade (upgrader chains only), optionally with a first message.',
    fields: {
      firstMessage: { kind: 'template', doc: 'Sent right after the handshake, a template.' },
      protocol: { kind: 'expr', doc: 'The subprotocol to pick, one of `req.protocols`.' },
    },
    ports: [],
    events: ['upgrader'],
  },
  http: {
    title: 'HTTP request',
    group: 'Integration',
    doc: 'Calls an HTTP API (on the engine main thread) and puts the response in `vars.AS` (`status`, `ok`, `headers`, `text`, `json`). Any status is a result; a network error or timeout after the retries fails the step.',
    fields: {
      method: { kind: 'enum', values: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], default: 'GET', doc: 'HTTP method.' },
      url: { kind: 'template', required: true, doc: 'URL, a template: `${env.API_URL}/users/${conn.params.name}`.' },
      headers: { kind: 'expr', doc: 'Headers, an object expression: `{ authorization: `Bearer ${env.API_TOKEN}` }`.' },
      body: { kind: 'template', doc: 'Request body, a template (`${JSON.stringify(json)}`).' },
      timeoutMs: { kind: 'expr', default: 10000, doc: 'Timeout of one attempt in ms.' },
      retries: { kind: 'expr', default: 0, doc: 'Extra attempts on network errors, timeouts, 429, 502, 503, 504 (with backoff).' },
      as: { kind: 'name', default: 'response', doc: 'The chain variable that receives the response.' },
    },
    ports: [NEXT],
    events: ALL_EVENTS,
  },
  mqttOut: {
    title: 'MQTT publish',
    group: 'Integration',
    doc: 'Publishes on an MQTT topic (one shared broker connection per URL). Wired from a service instead of a chain, it publishes every message of every connection.',
    fields: {
      url: { kind: 'template', required: true, doc: 'Broker URL: `${env.MQTT_URL}`.' },
      topic: { kind: 'template', required: true, doc: 'Topic, a template: `sensors/${conn.params.topic}` (no wildcards).' },
      payload: { kind: 'template', doc: 'What to publish, a template (default: the text, or the bytes of a binary message).' },
      qos: { kind: 'expr', default: 0, doc: 'QoS 0, 1 or 2.' },
      retain: { kind: 'boolean', default: false, doc: 'Retain the message on the broker.' },
    },
    ports: [NEXT],
  },
  redisOut: {
    title: 'Redis publish',
    group: 'Integration',
    doc: 'Publishes on a Redis pub/sub channel. Wired from a service instead of a chain, it publishes every message of every connection.',
    fields: {
      url: { kind: 'template', required: true, doc: 'Redis URL: `${env.REDIS_URL}`.' },
      channel: { kind: 'template', required: true, doc: 'Channel, a template.' },
      message: { kind: 'template', doc: 'What to publish, a template (default: the text, or the bytes of a binary message).' },
    },
    ports: [NEXT],
  },
  reject: {
    title: 'Reject',
    group: 'Connection',
    doc: 'Refuses the upgrade with an HTTP status (upgrader chains only).',
    fields: {
      status: { kind: 'expr', doc: 'HTTP status.', default: 403 },
      reason: { kind: 'template', doc: 'Reason text.' },
    },
    ports: [],
    events: ['upgrader'],
  },
};

/** Output ports of an action node as written (see ActionSpec.ports). */
export function portsOf(type: ActionType, node: Readonly<Record<string, unknown>>): string[] {
  const ports = ACTION_SPECS[type].ports;
  return typeof ports === 'function' ? ports(node) : [...ports];
}

/** True when the node's edges must carry `port` (more than the single `next` output). */
export function isBranching(type: ActionType): boolean {
  const ports = ACTION_SPECS[type].ports;
  return typeof ports === 'function' || ports.length > 1;
}

export function eventsOf(type: ActionType): readonly ChainEvent[] {
  return ACTION_SPECS[type].events ?? CONNECTION_EVENTS;
}

/** The names an expression of a chain may use, per event (for docs, completions and checks). */
export const CHAIN_SCOPE: Readonly<Record<ChainEvent, readonly string[]>> = {
  upgrader: ['req', 'conn', 'ctx', 'vars'],
  onOpen: ['conn', 'ctx', 'vars'],
  onText: ['conn', 'ctx', 'text', 'json', 'vars'],
  onBinary: ['conn', 'ctx', 'data', 'vars'],
  onClose: ['conn', 'ctx', 'code', 'reason', 'vars'],
  onError: ['conn', 'ctx', 'error', 'vars'],
};
