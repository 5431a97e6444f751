/**
 * The objects snippets touch inside the worker: `Connection`, `ServiceContext`, `StateStore` and
 * `Logger`. They never do I/O themselves: every effect becomes an op in the outgoing batch, and
 * the main thread (which owns the sockets and the cluster adapter) carries it out.
 */
import { ACT_BROADCAST, ACT_CLOSE, ACT_COUNT, ACT_SEND, ACT_SENDTO, ACT_STATE } from './protocol.ts';
import type { ConnAuthInfo, ConnDetails, ConnInfo, LogEntry, StateOp } from './protocol.ts';
import { describe } from './snippets.ts';
import { LARGE_MESSAGE, sharedCopy, textOf } from './wire.ts';
import type { WireData } from './wire.ts';
import { connectorApi, STEP_API } from './connector-api.ts';
import { channelApi, channelName, channelRequest, subscribeCall } from './channel-api.ts';

/** What the objects need from the worker loop. */
export interface HostSink {
  push2(op: number, a: unknown, b: unknown): void;
  push3(op: number, a: unknown, b: unknown, c: unknown): void;
  /** Send a request to the main thread; resolves with its reply. */
  request(op: number, serviceIdx: number, a?: unknown, b?: unknown, c?: unknown): Promise<unknown>;
  markDirty(conn: HostConnection): void;
  log(nodeId: string | undefined, entry: LogEntry): void;
  /** Hand this memory over with the next batch instead of copying it (the sender no longer uses it). */
  transfer(buffer: ArrayBuffer): void;
}

/** Objects and arrays go as JSON text, bytes as an exact-size Uint8Array (a pooled Buffer would clone its whole pool). */
export function normalizeData(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) {
    return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
  }
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (data === undefined || data === null) throw new TypeError('send() needs data: a string, bytes, an object or an array');
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('send() cannot send this value');
  return json;
}

/**
 * The last large text received, with the shared bytes it came in: relaying a message as it is
 * (a broadcast of what a client sent, the usual chat) sends those same bytes back, no copy at all.
 */
let lastLarge: { text: string; bytes: Uint8Array } | undefined;

/** The text of a large message that arrived as shared UTF-8 bytes (decoded once, when it runs). */
export function largeText(bytes: Uint8Array): string {
  const text = textOf(bytes);
  lastLarge = { text, bytes };
  return text;
}

/** A send's payload for the batch: large ones cross as bytes without a structured-clone copy (wire.ts). */
export function wireData(data: unknown, sink: HostSink): WireData {
  if (typeof data === 'string') {
    if (data.length < LARGE_MESSAGE) return data;
    if (lastLarge && lastLarge.text === data) return { utf8: lastLarge.bytes };
    const bytes = Buffer.from(data, 'utf8');
    // A Buffer this large owns its memory (only small ones share the pool), so it can move.
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) sink.transfer(bytes.buffer);
    return { utf8: bytes };
  }
  // The snippet may keep using its bytes: one copy into shared memory instead of two clones.
  if (data instanceof Uint8Array && data.byteLength >= LARGE_MESSAGE) return sharedCopy(data);
  return normalizeData(data);
}

function attributesProxy(markDirty: () => void, target: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(target, {
    set(t, key, value) {
      markDirty();
      return Reflect.set(t, key, value);
    },
    deleteProperty(t, key) {
      markDirty();
      return Reflect.deleteProperty(t, key);
    },
    get(t, key) {
      const value: unknown = Reflect.get(t, key);
      // A nested object may be changed in place, which no trap sees: assume it was.
      if (typeof value === 'object' && value !== null) markDirty();
      return value;
    },
  });
}

/** Claims are the client's word checked by a signature: a snippet may read them, never change them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class HostConnection {
  readonly id: string;
  readonly service: string;
  readonly path: string;
  readonly protocol: string;
  readonly remoteAddress: string;
  /** ConnDetails as JSON text until first read, then parsed and frozen */
  #details: string | ConnDetails;
  /** attributes as JSON text until first read or write */
  #rawJson: string | undefined;
  #raw: Record<string, unknown> | undefined;
  #attributes: Record<string, unknown> | undefined;
  // Private: snippets see only the Connection API.
  readonly #sink: HostSink;

  constructor(
    readonly num: number,
    serviceId: string,
    info: ConnInfo,
    sink: HostSink,
  ) {
    this.#sink = sink;
    this.id = info.id;
    this.service = serviceId;
    this.path = info.path;
    this.protocol = info.protocol;
    this.remoteAddress = info.remoteAddress;
    this.#details = info.details;
    this.#rawJson = info.attrs;
  }

  #read(): ConnDetails {
    if (typeof this.#details === 'string') {
      const d = JSON.parse(this.#details) as ConnDetails;
      Object.freeze(d.params);
      Object.freeze(d.query);
      Object.freeze(d.headers);
      // Claims are the client's word checked by a signature: a snippet may read them, never change them.
      if (d.auth) deepFreeze(d.auth);
      this.#details = d;
    }
    return this.#details;
  }

  get params(): Readonly<Record<string, string>> {
    return this.#read().params;
  }

  get query(): Readonly<Record<string, string | number | boolean | undefined>> {
    return this.#read().query;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.#read().headers;
  }

  /** set when the upgrader checks credentials */
  get auth(): ConnAuthInfo | undefined {
    return this.#read().auth;
  }

  #rawObject(): Record<string, unknown> {
    if (this.#raw === undefined) {
      this.#raw = this.#rawJson ? (JSON.parse(this.#rawJson) as Record<string, unknown>) : {};
      this.#rawJson = undefined;
    }
    return this.#raw;
  }

  get attributes(): Record<string, unknown> {
    this.#attributes ??= attributesProxy(() => this.#sink.markDirty(this), this.#rawObject());
    return this.#attributes;
  }

  set attributes(value: Record<string, unknown>) {
    this.#raw = typeof value === 'object' && value !== null ? value : {};
    this.#rawJson = undefined;
    this.#attributes = undefined;
    this.#sink.markDirty(this);
  }

  /** Another handler host changed this connection's attributes (a mirror catches up; not a change to report back). */
  replaceAttributes(json: string): void {
    this.#rawJson = json;
    this.#raw = undefined;
    this.#attributes = undefined;
  }

  /** Attributes as JSON text for the main thread (which keeps them for a respawned worker). */
  attributesJson(): string {
    return this.#raw === undefined ? (this.#rawJson ?? '{}') : JSON.stringify(this.#raw);
  }

  send(data: unknown): void {
    this.#sink.push2(ACT_SEND, this.num, wireData(data, this.#sink));
  }

  close(code?: number, reason?: string): void {
    this.#sink.push3(ACT_CLOSE, this.num, code ?? 1000, reason ?? '');
  }

  subscribe(channel: unknown, options?: unknown): Promise<unknown> {
    return channelRequest(this.#sink, -1, this.num, subscribeCall(channel, this, options));
  }

  unsubscribe(channel: unknown): Promise<unknown> {
    return channelRequest(this.#sink, -1, this.num, { op: 'unsubscribe', channel: channelName(channel, this) });
  }

  toJSON(): unknown {
    return { id: this.id, service: this.service, path: this.path, params: this.params };
  }
}

function idsOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') ids.push(item);
    else if (item && typeof item === 'object' && typeof (item as { id?: unknown }).id === 'string') ids.push((item as { id: string }).id);
  }
  return ids;
}

export interface ServiceRuntime {
  idx: number;
  id: string;
  /** open connections in the order they opened (a Set: a close at 10,000 open is not a search) */
  connections: Set<HostConnection>;
  /** what `ctx.connections` hands out, built on the first read after a change */
  connectionList: readonly HostConnection[] | undefined;
  base: object;
}

/** The parts of the context that are the same for every handler of a service. */
export function serviceBase(service: ServiceRuntime, sink: HostSink): object {
  // `service.idx` is read at call time: a hot reload may move the service to another index.
  const state = {
    get: (key: string) => sink.request(ACT_STATE, service.idx, 'get' satisfies StateOp, String(key), undefined),
    set: (key: string, value: unknown) => {
      // Values must survive JSON (the Redis adapter stores JSON): fail here, where the line is known.
      const json = JSON.stringify(value);
      return sink.request(ACT_STATE, service.idx, 'set' satisfies StateOp, String(key), json === undefined ? null : JSON.parse(json));
    },
    delete: (key: string) => sink.request(ACT_STATE, service.idx, 'delete' satisfies StateOp, String(key), undefined),
    incr: (key: string, by?: number) => sink.request(ACT_STATE, service.idx, 'incr' satisfies StateOp, String(key), by ?? 1),
    keys: (prefix?: string) => sink.request(ACT_STATE, service.idx, 'keys' satisfies StateOp, prefix ?? '', undefined),
  };
  const numOf = (conn: unknown) => (conn instanceof HostConnection ? conn.num : undefined);
  return {
    ...connectorApi(service, sink, numOf),
    [STEP_API]: (step: string) => connectorApi(service, sink, numOf, step),
    ...channelApi(service, sink, (conn) => (conn instanceof HostConnection ? conn.num : undefined), (conn) => (conn instanceof HostConnection ? conn : undefined)),
    service: service.id,
    get connections(): readonly HostConnection[] {
      return (service.connectionList ??= [...service.connections]);
    },
    connectionCount: () => sink.request(ACT_COUNT, service.idx),
    broadcast(data: unknown, options?: { except?: unknown }) {
      const except = options?.except === undefined ? null : idsOf(options.except);
      sink.push3(ACT_BROADCAST, service.idx, wireData(data, sink), except);
    },
    sendTo(ids: unknown, data: unknown) {
      sink.push3(ACT_SENDTO, service.idx, idsOf(ids), wireData(data, sink));
    },
    state,
  };
}

export function formatArgs(args: unknown[]): string {
  return args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : describe(a))).join(' ');
}

export function makeLogger(nodeId: string | undefined, sink: HostSink) {
  const at = (level: LogEntry['level']) => (...args: unknown[]) => sink.log(nodeId, { level, message: formatArgs(args), t: Date.now() });
  return { info: at('info'), warn: at('warn'), error: at('error'), log: at('info'), debug: at('info') };
}

/** The context one handler node sees: the service's base plus a logger that knows the node. */
export function nodeContext(base: object, nodeId: string, sink: HostSink): object {
  const ctx = Object.create(base) as Record<string, unknown>;
  ctx.log = makeLogger(nodeId, sink);
  return Object.freeze(ctx);
}
