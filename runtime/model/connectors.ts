/**
 * Integration (connector) nodes: what they hold, how they may be wired, and their checks.
 *
 * Two ways to use one:
 * - as a **connection binding**, wired from a service (`service -> wsBackend`): the engine opens
 *   it for every connection of the service, on its main thread, with no snippet. Fields are
 *   templates over `env` and the connection (template.ts), filled when the connection opens.
 * - as a **chain step** (`http`, `mqttOut`, `redisOut` after an event node): it compiles to a call
 *   of the snippet API (`ctx.http`, `ctx.mqtt(url).publish`, `ctx.redis(url).publish`).
 * Pure: the designer, validation, the engine and the exporters share it.
 */
import type { FieldPath, Locator } from './locate.ts';
import { scanTemplate, envNamesIn } from './template.ts';
import type { FlowDocument, Problem } from './types.ts';

export const CONNECTOR_TYPES = ['http', 'wsBackend', 'mqttIn', 'mqttOut', 'redisIn', 'redisOut'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** Connectors that are also low-code chain steps (ACTION_SPECS in actions.ts). */
export const CHAIN_STEP_TYPES: readonly ConnectorType[] = ['http', 'mqttOut', 'redisOut'];

/** Connectors a service can bind to each of its connections. */
export const BINDING_TYPES: readonly ConnectorType[] = ['wsBackend', 'mqttIn', 'mqttOut', 'redisIn', 'redisOut'];

export type Qos = 0 | 1 | 2;

interface ConnectorBase {
  id: string;
  position?: { x: number; y: number };
  label?: string;
  description?: string;
  [extra: string]: unknown;
}

export interface HttpNode extends ConnectorBase {
  type: 'http';
  /** Default GET. */
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Body as a template (JSON text, form text...). */
  body?: string;
  /** Per attempt (default 10000). */
  timeoutMs?: number;
  /** Extra attempts after a network error, a timeout, 429 or 502/503/504 (default 0). */
  retries?: number;
  /** Name of the chain variable that receives the response (default `response`). */
  as?: string;
}

export interface WsBackendNode extends ConnectorBase {
  type: 'wsBackend';
  url: string;
  headers?: Record<string, string>;
  subprotocols?: string[];
  /** Give up on a backend that does not complete its handshake (default 10000). */
  connectTimeoutMs?: number;
}

export interface MqttInNode extends ConnectorBase {
  type: 'mqttIn';
  url: string;
  /** Topic filter; `+` and `#` wildcards allowed. */
  topic: string;
  qos?: Qos;
  /** Send each message to the client as a text (default) or a binary frame. */
  as?: 'text' | 'binary';
}

export interface MqttOutNode extends ConnectorBase {
  type: 'mqttOut';
  url: string;
  topic: string;
  qos?: Qos;
  retain?: boolean;
  /** Chain step only: what to publish (template; default the event's text). */
  payload?: string;
}

export interface RedisInNode extends ConnectorBase {
  type: 'redisIn';
  url: string;
  channel: string;
  /** `channel` is a PSUBSCRIBE pattern (`news.*`). */
  pattern?: boolean;
  as?: 'text' | 'binary';
}

export interface RedisOutNode extends ConnectorBase {
  type: 'redisOut';
  url: string;
  channel: string;
  /** Chain step only: what to publish (template; default the event's text). */
  message?: string;
}

export type ConnectorNode = HttpNode | WsBackendNode | MqttInNode | MqttOutNode | RedisInNode | RedisOutNode;

export function isConnectorType(type: unknown): type is ConnectorType {
  return typeof type === 'string' && (CONNECTOR_TYPES as readonly string[]).includes(type);
}

export function isBindingType(type: unknown): boolean {
  return typeof type === 'string' && (BINDING_TYPES as readonly string[]).includes(type);
}

/** Starter fields of a new connector node (the palette places these). */
export function connectorDefaults(type: ConnectorType): Omit<ConnectorNode, 'id' | 'position'> {
  switch (type) {
    case 'http':
      return { type, method: 'GET', url: '${env.API_URL}' };
    case 'wsBackend':
      return { type, url: '${env.BACKEND_URL}' };
    case 'mqttIn':
      return { type, url: '${env.MQTT_URL}', topic: '${conn.params.topic}' };
    case 'mqttOut':
      return { type, url: '${env.MQTT_URL}', topic: '${conn.params.topic}' };
    case 'redisIn':
      return { type, url: '${env.REDIS_URL}', channel: '${conn.params.channel}' };
    case 'redisOut':
      return { type, url: '${env.REDIS_URL}', channel: '${conn.params.channel}' };
  }
}

/** One field of a connector, for forms and checks. */
export interface ConnectorField {
  name: string;
  kind: 'template' | 'templateMap' | 'list' | 'integer' | 'boolean' | 'enum';
  required?: boolean;
  options?: readonly (string | number)[];
  min?: number;
  max?: number;
  help: string;
}

const URL_FIELD = (scheme: string): ConnectorField => ({ name: 'url', kind: 'template', required: true, help: `Broker or endpoint URL (${scheme}), usually \${env.NAME}` });

export const CONNECTOR_FIELDS: Record<ConnectorType, readonly ConnectorField[]> = {
  http: [
    { name: 'method', kind: 'enum', options: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], help: 'HTTP method (default GET)' },
    URL_FIELD('http:// or https://'),
    { name: 'headers', kind: 'templateMap', help: 'Request headers; values are templates' },
    { name: 'body', kind: 'template', help: 'Request body' },
    { name: 'timeoutMs', kind: 'integer', min: 1, max: 600_000, help: 'Timeout of one attempt in ms (default 10000)' },
    { name: 'retries', kind: 'integer', min: 0, max: 10, help: 'Extra attempts on network errors, timeouts, 429, 502, 503, 504 (default 0)' },
    { name: 'as', kind: 'template', help: 'Chain variable for the response (default response)' },
  ],
  wsBackend: [
    URL_FIELD('ws:// or wss://'),
    { name: 'headers', kind: 'templateMap', help: 'Headers of the backend handshake; values are templates' },
    { name: 'subprotocols', kind: 'list', help: 'Subprotocols offered to the backend' },
    { name: 'connectTimeoutMs', kind: 'integer', min: 1, max: 600_000, help: 'Handshake timeout in ms (default 10000)' },
  ],
  mqttIn: [
    URL_FIELD('mqtt://, mqtts://, ws://'),
    { name: 'topic', kind: 'template', required: true, help: 'Topic filter; + and # wildcards' },
    { name: 'qos', kind: 'enum', options: [0, 1, 2], help: 'Subscription QoS (default 0)' },
    { name: 'as', kind: 'enum', options: ['text', 'binary'], help: 'Frame type sent to the client (default text)' },
  ],
  mqttOut: [
    URL_FIELD('mqtt://, mqtts://, ws://'),
    { name: 'topic', kind: 'template', required: true, help: 'Topic to publish on (no wildcards)' },
    { name: 'qos', kind: 'enum', options: [0, 1, 2], help: 'Publish QoS (default 0)' },
    { name: 'retain', kind: 'boolean', help: 'Retain the message on the broker' },
    { name: 'payload', kind: 'template', help: 'In a chain: what to publish (default the text)' },
  ],
  redisIn: [
    URL_FIELD('redis:// or rediss://'),
    { name: 'channel', kind: 'template', required: true, help: 'Channel (or pattern when pattern is true)' },
    { name: 'pattern', kind: 'boolean', help: 'Subscribe with PSUBSCRIBE' },
    { name: 'as', kind: 'enum', options: ['text', 'binary'], help: 'Frame type sent to the client (default text)' },
  ],
  redisOut: [
    URL_FIELD('redis:// or rediss://'),
    { name: 'channel', kind: 'template', required: true, help: 'Channel to publish on' },
    { name: 'message', kind: 'template', help: 'In a chain: what to publish (default the text)' },
  ],
};

/** Stable problem codes of connector nodes (docs/errors/connectors.md). */
export const CONNECTOR_CODES = {
  FIELD_MISSING: 'WSF_CONNECTOR_FIELD_MISSING',
  FIELD_INVALID: 'WSF_CONNECTOR_FIELD_INVALID',
  TEMPLATE_INVALID: 'WSF_TEMPLATE_INVALID',
  PARAM_UNKNOWN: 'WSF_TEMPLATE_PARAM_UNKNOWN',
  ENV_UNSET: 'WSF_ENV_UNSET',
  NO_SERVICE: 'WSF_CONNECTOR_NO_SERVICE',
  BACKEND_DUPLICATE: 'WSF_WS_BACKEND_DUPLICATE',
} as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Report = (code: string, message: string, path: FieldPath, nodeId: string | undefined, offset?: number) => void;

function problemReporter(problems: Problem[], locate: Locator, file: string | undefined, severity: Problem['severity'] = 'error'): Report {
  return (code, message, path, nodeId, offset) => {
    // A template sits on one line in nearly every flow: point into it when we can.
    const at = (offset !== undefined ? locate(path, { line: 1, col: offset + 1 }) : undefined) ?? locate(path) ?? locate([]);
    problems.push({ severity, code, message, file, line: at?.line, col: at?.col, nodeId, field: path.slice(2).join('.') || undefined });
  };
}

function checkTemplate(value: string, path: FieldPath, nodeId: string, params: ReadonlySet<string> | undefined, report: Report): void {
  const scanned = scanTemplate(value);
  for (const issue of scanned.issues) report(CONNECTOR_CODES.TEMPLATE_INVALID, issue.message, path, nodeId, issue.offset);
  if (!params) return;
  for (const ref of scanned.refs) {
    if (ref.path[0] === 'conn' && ref.path[1] === 'params' && !params.has(ref.path[2] ?? '')) {
      const known = [...params].map((p) => `{${p}}`).join(', ') || 'none';
      report(CONNECTOR_CODES.PARAM_UNKNOWN, `'${ref.text}' names no path parameter of this service's upgrade paths (they have ${known})`, path, nodeId, ref.offset);
    }
  }
}

/**
 * Field checks of every connector node, and for bindings the template references (a
 * `conn.params.X` that no upgrade path of the service declares). `pathParams` maps a service id to
 * the names its upgraders' paths declare; undefined skips that check.
 */
export function validateConnectors(flow: FlowDocument, locate: Locator, file?: string, pathParams?: ReadonlyMap<string, ReadonlySet<string>>): Problem[] {
  const problems: Problem[] = [];
  const report = problemReporter(problems, locate, file);
  const nodes: unknown[] = Array.isArray(flow.nodes) ? flow.nodes : [];
  const edges: unknown[] = Array.isArray(flow.edges) ? flow.edges : [];
  const typeOf = new Map<string, unknown>();
  for (const n of nodes) if (isObj(n) && typeof n.id === 'string') typeOf.set(n.id, n.type);
  const serviceOf = new Map<string, string>();
  const backends = new Map<string, string>();
  for (const e of edges) {
    if (!isObj(e) || typeof e.from !== 'string' || typeof e.to !== 'string') continue;
    if (typeOf.get(e.from) === 'service' && isBindingType(typeOf.get(e.to))) serviceOf.set(e.to, e.from);
  }
  nodes.forEach((raw, index) => {
    if (!isObj(raw) || !isConnectorType(raw.type) || typeof raw.id !== 'string') return;
    const id = raw.id;
    const type = raw.type;
    const base: FieldPath = ['nodes', index];
    const service = serviceOf.get(id);
    // As a chain step (http, mqttOut, redisOut after an event node) its fields are chain fields,
    // checked with the chain (model/actions.ts); here only bindings and the subscribing connectors.
    if (service === undefined && CHAIN_STEP_TYPES.includes(type)) return;
    const params = service !== undefined ? pathParams?.get(service) : undefined;
    for (const field of CONNECTOR_FIELDS[type]) {
      const value = raw[field.name];
      const path = [...base, field.name];
      if (value === undefined) {
        if (field.required) report(CONNECTOR_CODES.FIELD_MISSING, `${type} node '${id}' needs '${field.name}': ${field.help}.`, base, id);
        continue;
      }
      const bad = (expected: string) => report(CONNECTOR_CODES.FIELD_INVALID, `'${field.name}' of '${id}' must be ${expected}, not ${JSON.stringify(value)}.`, path, id);
      switch (field.kind) {
        case 'template':
          if (typeof value !== 'string' || (field.required && value.trim() === '')) bad('a non-empty text');
          else checkTemplate(value, path, id, params, report);
          break;
        case 'templateMap':
          if (!isObj(value)) bad('a mapping of names to texts');
          else for (const [k, v] of Object.entries(value)) {
            if (typeof v !== 'string') report(CONNECTOR_CODES.FIELD_INVALID, `'${field.name}.${k}' of '${id}' must be a text.`, [...path, k], id);
            else checkTemplate(v, [...path, k], id, params, report);
          }
          break;
        case 'list':
          if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) bad('a list of non-empty texts');
          break;
        case 'integer':
          if (typeof value !== 'number' || !Number.isInteger(value) || value < (field.min ?? -Infinity) || value > (field.max ?? Infinity)) {
            bad(`a whole number from ${field.min ?? '-∞'} to ${field.max ?? '∞'}`);
          }
          break;
        case 'boolean':
          if (typeof value !== 'boolean') bad('true or false');
          break;
        case 'enum':
          if (!(field.options ?? []).includes(value as string | number)) bad(`one of ${(field.options ?? []).map((o) => JSON.stringify(o)).join(', ')}`);
          break;
      }
    }
    if (type === 'wsBackend' && service !== undefined) {
      const other = backends.get(service);
      if (other) report(CONNECTOR_CODES.BACKEND_DUPLICATE, `Service '${service}' already has a wsBackend ('${other}'); a connection fronts one backend.`, [...base, 'id'], id);
      else backends.set(service, id);
    }
    if ((type === 'mqttOut' || type === 'redisOut') && service !== undefined && typeof raw.topic === 'string' && /[+#]/.test(raw.topic)) {
      report(CONNECTOR_CODES.FIELD_INVALID, `'topic' of '${id}' is where messages are published and cannot hold the wildcards + or #.`, [...base, 'topic'], id);
    }
  });
  return problems;
}

export interface EnvReference {
  name: string;
  nodeId: string;
  /** Path of the field inside the document, e.g. `['nodes', 2, 'url']`. */
  path: FieldPath;
}

/** Fields that are never configuration: snippets, notes and canvas positions. */
const NOT_CONFIG = new Set(['code', 'label', 'description', 'position', 'id', 'type']);

/** Every `${env.NAME}` in the configuration fields of every node (any node type), in file order. */
export function envReferences(flow: FlowDocument): EnvReference[] {
  const refs: EnvReference[] = [];
  const walk = (value: unknown, path: (string | number)[], nodeId: string) => {
    if (typeof value === 'string') {
      for (const name of envNamesIn(value)) refs.push({ name, nodeId, path });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], nodeId));
    else if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k], nodeId);
  };
  const nodes: unknown[] = Array.isArray(flow.nodes) ? flow.nodes : [];
  nodes.forEach((node, index) => {
    if (!isObj(node) || typeof node.id !== 'string') return;
    for (const [key, value] of Object.entries(node)) if (!NOT_CONFIG.has(key)) walk(value, ['nodes', index, key], node.id);
  });
  return refs;
}

/** Variable names the flow needs, sorted, once each (for the exporters). */
export function envVariables(flow: FlowDocument): string[] {
  return [...new Set(envReferences(flow).map((r) => r.name))].sort();
}

/** One problem per reference to a variable that `env` does not set (or sets to an empty text). */
export function unsetEnvProblems(flow: FlowDocument, env: Readonly<Record<string, string | undefined>>, locate: Locator, file?: string, severity: Problem['severity'] = 'error'): Problem[] {
  const problems: Problem[] = [];
  const report = problemReporter(problems, locate, file, severity);
  for (const ref of envReferences(flow)) {
    const value = env[ref.name];
    if (value !== undefined && value !== '') continue;
    report(CONNECTOR_CODES.ENV_UNSET, `'${ref.path.slice(2).join('.')}' uses \${env.${ref.name}}, but ${ref.name} is not set (set it in the environment or pass --env-file).`, ref.path, ref.nodeId);
  }
  return problems;
}
