/**
 * Contracts of the engine that other modules (CLI, studio, exporters, cluster adapters) rely on.
 * Implementation lives beside this file; nothing here knows about the studio or the CLI.
 */
import type { FlowDocument } from '../model/types.ts';
import type { InputPreview } from '../model/input-preview.ts';

export type { InputPreview };

/** JS produced from one snippet (esbuild, CommonJS, with an inline source map). */
export interface CompiledSnippet {
  nodeId: string;
  /** CommonJS module text; `module.exports.default` is the handler. */
  js: string;
  /** Source map JSON (v3) from `js` back to the snippet's TypeScript. */
  map: string;
  /** When the snippet is a chain's generated code: where each action node and field landed in it. */
  chain?: ChainMap;
  /** A chain's debugging variant (run only while the designer has breakpoints; docs/designer.md#debugging). */
  debug?: DebugVariant;
}

/** A chain compiled so that it can pause at its action nodes (lowcode/compile.ts `debug`). */
export interface DebugVariant {
  js: string;
  map: string;
  chain: ChainMap;
}

/**
 * Where the action nodes of a chain are in its generated TypeScript, so that a failure located
 * there (through the source map) is reported on the node and field instead of a generated line.
 * Offsets are in the generated text; `lineStarts[i]` is where its line i + 1 starts.
 */
export interface ChainMap {
  lineStarts: number[];
  /** Field values copied into the code (`code`: a snippet step's code, whose own lines count). */
  fields: { nodeId: string; field: string; code: boolean; start: number; end: number }[];
  /** Each action node's own code (a branching node's contains its branches; the innermost wins). */
  nodes: { nodeId: string; start: number; end: number }[];
}

/** A flow plus its compiled snippets: what the engine runs and what an export bundles. */
export interface CompiledFlow {
  flow: FlowDocument;
  snippets: Record<string, CompiledSnippet>;
}

// ---------------------------------------------------------------------------------------------
// Cluster adapter: where broadcasts, targeted sends, state and cluster-wide counts live.
// The in-memory adapter is the default; the Redis adapter implements the same interface so
// that no snippet changes when a flow scales out.

/** A message to deliver to local connections, produced on this or another instance. */
export interface Delivery {
  service: string;
  /**
   * Inside an instance: a text, or bytes (a binary message when `binary`, else UTF-8 text), never
   * copied on the way to the sockets. Across instances (pub/sub carries JSON) a string: the text,
   * or the binary as base64 when `binary` is true.
   */
  data: string | Uint8Array;
  binary?: boolean;
  /** Deliver only to these connection ids (targeted send); absent = every connection of the service. */
  to?: string[];
  /** Skip these connection ids (broadcast `except`). */
  except?: string[];
}

export interface StateBackend {
  get(service: string, key: string): Promise<unknown>;
  set(service: string, key: string, value: unknown): Promise<void>;
  delete(service: string, key: string): Promise<boolean>;
  incr(service: string, key: string, by: number): Promise<number>;
  keys(service: string, prefix: string): Promise<string[]>;
}

export interface ClusterAdapter {
  /** Called once by the engine; `deliverLocal` sends a delivery to this instance's sockets. */
  start(deliverLocal: (delivery: Delivery) => void): Promise<void>;
  /** Deliver everywhere (this instance included). Must not throw; failures are counted and logged. */
  publish(delivery: Delivery): void;
  readonly state: StateBackend;
  /** Keep cluster-wide counts; called on every local open/close. */
  connectionOpened(service: string, connectionId: string): void;
  connectionClosed(service: string, connectionId: string): void;
  connectionCount(service: string): Promise<number>;
  /** Counters for status displays and tests (e.g. `undelivered` while Redis is down). */
  stats(): Record<string, number>;
  close(): Promise<void>;
  /** Shared offsets, history and presence of channels (docs/channels.md); absent: this instance alone. */
  channels?(): ChannelBackend;
}

/** One channel as this instance sees it (the designer's run panel). */
export interface ChannelStatus {
  service: string;
  channel: string;
  /** subscribers on this instance */
  subscribers: number;
  /** the last offset this instance has seen */
  lastOffset: number;
  /** messages in this instance's history (shared history lives in Redis: 0 here) */
  history: number;
}

/** A channel message or presence event as every instance receives it, in publish order per channel. */
export type ChannelWire =
  | { kind: 'message'; service: string; name: string; offset: number; json: string }
  | { kind: 'presence'; service: string; name: string; what: 'join' | 'leave'; member: string };

/** Where channels are shared between instances (runtime/engine/adapters/redis-channels.ts). */
export interface ChannelBackend {
  /** Every channel message and presence event of the flow, from every instance (this one included); resolves once listening (or given up waiting: Redis down). */
  start(onWire: (wire: ChannelWire) => void): Promise<void>;
  /** Numbers (above `floor`), records and publishes one message; resolves with its offset. */
  publish(service: string, name: string, json: string, history: { size: number; ttlMs: number }, floor: number): Promise<number>;
  /** The history after `since` (offsets ascending) and the channel's last offset. */
  range(service: string, name: string, since: number, ttlMs: number): Promise<{ last: number; entries: { offset: number; json: string }[] }>;
  presence(service: string, name: string, what: 'join' | 'leave', connectionId: string, member: string): Promise<void>;
  members(service: string, name: string): Promise<string[]>;
  /** After an outage: the next offset of the channel must be above `floor` (what this instance numbered alone). */
  raise(service: string, name: string, floor: number): Promise<void>;
  /** Called with true when the shared store is reachable again (after an outage). */
  onUp(listener: () => void): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Trace: an observable stream of what the engine does. Invocation events are sampled under load
// (errors and logs are never dropped); `summary` events aggregate everything every interval.

export type EngineEvent = 'upgrade' | 'open' | 'text' | 'binary' | 'close' | 'error';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  /** ms since epoch */
  t: number;
}

/**
 * A snippet failure, located in the snippet's own TypeScript; in a chain, on the action node
 * (`nodeId`) and the field whose expression failed (`field`), never on a generated line.
 */
export interface SnippetFailure {
  /** `WSF_SNIPPET_THROW`, `WSF_SNIPPET_TIMEOUT`, `WSF_SNIPPET_REJECTED`, ... (docs/errors.md) */
  code: string;
  nodeId: string;
  message: string;
  /** A chain's action node failed in this field (absent: in the code the compiler wrote around fields). */
  field?: string;
  /** 1-based line and column in the snippet's code (a `code` step: in its `code` field), when known. */
  line?: number;
  col?: number;
  stack?: string;
}

/** One action node a chain ran: the branch a branching node took, and how long the step took. */
export interface ChainStep {
  nodeId: string;
  port?: string;
  ms: number;
}

/** What a trace subscriber asks for. */
export interface TraceOptions {
  /**
   * Record the action nodes each chain invocation runs (`steps` of `invoke` events). Costs a
   * clock read per step while any subscriber asks for it, nothing otherwise.
   */
  steps?: boolean;
}

export type TraceEvent =
  | {
      kind: 'invoke';
      t: number;
      nodeId: string;
      connectionId: string;
      event: EngineEvent;
      /** How long the handler ran; a timed-out one reports the budget it used up, a crashed one 0 (unknown). */
      durationMs: number;
      logs: LogEntry[];
      error?: SnippetFailure;
      /** The message the handler got (text and binary events), cut short (model/input-preview.ts); only on traced invocations. */
      input?: InputPreview;
      /** A chain's action nodes that ran, in order (only while a subscriber asks for steps). */
      steps?: ChainStep[];
    }
  | {
      kind: 'connection';
      t: number;
      state: 'open' | 'close' | 'rejected';
      connectionId: string;
      serviceId?: string;
      upgraderId?: string;
      path: string;
      code?: number;
      reason?: string;
      /** HTTP status for `rejected`. */
      status?: number;
    }
  | {
      kind: 'summary';
      t: number;
      windowMs: number;
      connections: number;
      messagesIn: number;
      messagesOut: number;
      /** Invocations that happened but were not sent as individual `invoke` events. */
      sampledOut: number;
      /** `buckets`: invocations per duration bucket, upper bounds in BUCKET_BOUNDS_MS (engine/metrics/buckets.ts) */
      perNode: Record<string, { count: number; errors: number; totalMs: number; maxMs: number; buckets?: number[] }>;
    }
  | { kind: 'engine'; t: number; level: 'info' | 'warn' | 'error'; code: string; message: string; nodeId?: string }
  | OutboundEvent
  | ConnectorStateEvent;

/** Where a connector node's link to its broker or backend stands (`down`: the last attempt failed; retries go on). */
export type ConnectorLinkState = 'connecting' | 'connected' | 'reconnecting' | 'down';

/**
 * A connector node's live state, for the designer's card: sent at once when the state changes,
 * and at most twice a second while its counts change (never once per message).
 */
export interface ConnectorStateEvent {
  kind: 'connector';
  t: number;
  nodeId: string;
  state: ConnectorLinkState;
  /** why it is not connected (the broker's or backend's error) */
  reason?: string;
  /** since the flow started: messages from the far side (broker deliveries to clients, backend frames to clients) */
  messagesIn: number;
  /** since the flow started: messages to the far side (publishes, frames to the backend) */
  messagesOut: number;
  /** On a recovery: the codes of the outage's errors it ends (the designer clears them from the node). */
  recovered?: string[];
}

/** One outbound call of a connector (an HTTP request, a broker publish, a backend handshake). */
export interface OutboundEvent {
  kind: 'outbound';
  t: number;
  nodeId: string;
  /** `http`, `mqtt`, `redis`, `wsBackend` */
  connector: string;
  /** `GET https://api/x`, `publish sensors/a`, `connect ws://backend/` (never credentials) */
  target: string;
  connectionId?: string;
  durationMs: number;
  ok: boolean;
  /** `200`, `published`, `open`, or the error */
  result: string;
}

export interface TraceSubscription {
  unsubscribe(): void;
}

// ---------------------------------------------------------------------------------------------
// Connectors (runtime/connectors/): outbound integrations that run in this (main) thread, beside
// the sockets. The engine only carries calls and socket events to them; it knows no broker.

/** A call a snippet made through `ctx.http`, `ctx.mqtt(url)` or `ctx.redis(url)`. */
export type ConnectorCall =
  | { kind: 'http'; nodeId?: string; request: HttpCallSpec }
  | { kind: 'publish'; nodeId?: string; broker: SnippetBroker; url: string; topic: string; payload: string | Uint8Array; qos?: number; retain?: boolean; exchange?: string }
  | { kind: 'subscribe'; nodeId?: string; broker: SnippetBroker; url: string; topic: string; qos?: number; as?: 'text' | 'binary'; pattern?: boolean; queue?: string; exchange?: string };

/** The brokers snippets reach (`ctx.mqtt(url)`, ...); AMQP calls carry the exchange, the topic is the routing key. */
export type SnippetBroker = 'mqtt' | 'redis' | 'nats' | 'amqp';

export interface HttpCallSpec {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs?: number;
  retries?: number;
  /** Where the request and its redirects may go (model/http-guard.ts); absent = anywhere. */
  guard?: { allow?: string[] };
}

/** One client connection, as a connector drives it from the main thread. */
export interface ClientLink {
  readonly num: number;
  readonly id: string;
  readonly service: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly isOpen: boolean;
  /** Bytes queued on this socket and not yet handed to the OS. */
  readonly bufferedAmount: number;
  /** `sent` runs once the frame is handed to the OS (or failed): the way to bound what waits. */
  send(data: string | Uint8Array, binary: boolean, sent?: (error?: Error | null) => void): void;
  close(code: number, reason: string): void;
  /** Stop (true) or start again (false) reading frames from this client. */
  hold(on: boolean): void;
}

/** What a client's upgrade tells the connectors before it is let in (no connection id yet). */
export type UpgradeScope = Pick<ClientLink, 'path' | 'params' | 'query' | 'headers'>;

/**
 * A client's broker subscriptions, made before its upgrade completes. `ready` resolves once every
 * one is confirmed by its broker (undefined) or with the reason to refuse the client (503);
 * `release` gives them up (the client was refused or its socket closed; safe to call again).
 */
export interface SubscriptionHold {
  readonly ready: Promise<string | undefined>;
  readonly release: () => void;
}

export interface ConnectorHost {
  /**
   * A client of `serviceId` is about to be let in: subscribe it on the brokers its bindings name,
   * so that anything published once its upgrade completes reaches it. Undefined when the service
   * subscribes to nothing (nothing to wait for).
   */
  admit(serviceId: string, upgrade: UpgradeScope): SubscriptionHold | undefined;
  /**
   * A connection opened: set up the service's bindings (backend, subscriptions). `link` makes
   * the connection's ClientLink; it is called only when the service has bindings, so that a
   * connection nothing is bound to costs no link.
   */
  opened(serviceId: string, link: () => ClientLink): void;
  /** A frame from a client, before handlers see it (bindings forward it). */
  fromClient(num: number, data: Uint8Array, binary: boolean): void;
  closed(num: number, code: number, reason: string): void;
  /** A snippet's call; `link` is the connection the call is about (subscribe), when any. */
  call(call: ConnectorCall, serviceId: string, link: ClientLink | undefined, connectionId: string): Promise<unknown>;
  /** Publishes that did not reach their broker, per node and reason, since the start (`wsflow_connector_dropped_total`). */
  drops(): Iterable<ConnectorDrops>;
  reload(flow: FlowDocument): void;
  close(): Promise<void>;
}

/** `reason`: backlog (the outbound bound was full), unavailable (no connection), timeout (not taken in time), failed (refused). */
export interface ConnectorDrops {
  node: string;
  reason: string;
  count: number;
}

export interface ConnectorContext {
  flow: FlowDocument;
  env: Readonly<Record<string, string | undefined>>;
  /** Outbound events and connector problems go into the engine's trace. */
  emit(event: TraceEvent): void;
  /** Counts a frame delivered to a client (the engine's messagesOut). */
  delivered(count: number): void;
}

export type ConnectorHostFactory = (context: ConnectorContext) => ConnectorHost;

export interface EngineOptions {
  /** Outbound integrations (runtime/connectors: `createConnectors`); without it, connector calls fail. */
  connectors?: ConnectorHostFactory;
  /** Overrides `flow.listener.port`; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  adapter?: ClusterAdapter;
  /** Overrides `flow.settings.handlerBudgetMs`. */
  handlerBudgetMs?: number;
  /** Heap limit of the handler-host worker in MiB (default 512): a snippet that allocates past it ends only the worker. */
  handlerMemoryMb?: number;
  /**
   * Handler-host workers serving the connections (overrides `flow.settings.handlerHosts`, default
   * 1): with more, a runaway or crashing snippet stalls only the connections of its host
   * (docs/security.md, docs/benchmarks.md for what it costs).
   */
  handlerHosts?: number;
  /** How long one event of a connection may wait for its handler's promise before the connection is closed with 1011 (ms, default 30000). */
  handlerSettleMs?: number;
  /** Where the handler-host worker script is (the exported bundle passes its own). */
  hostWorkerUrl?: URL;
  /** Max individual `invoke` trace events per second (default 200); summaries every 250 ms. */
  traceSampleRate?: number;
  /** Serve `wss://` with this certificate chain and private key (PEM). */
  tls?: { cert: string | Uint8Array; key: string | Uint8Array };
  /**
   * Where `${env.NAME}` is read from: auth fields, connector fields and the snippets' `ctx.env`
   * (default `process.env`; the studio passes its environment plus the session's values).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Serve Prometheus metrics at `GET /metrics` on the listener port (default off here; `wsflow run`
   * and the exported service turn it on unless `WSFLOW_METRICS=off`, see metrics/settings.ts).
   */
  metrics?: boolean;
  /** With `metrics`: `/metrics` needs `Authorization: Bearer <token>` (else 401). */
  metricsToken?: string;
  /** With `metrics`: serve `/metrics` on this port (plain HTTP, same host) instead of the listener's (0 = any free port). */
  metricsPort?: number;
}

/**
 * A connection paused at a breakpoint (docs/designer.md#debugging): where, and the values in scope.
 * Values a snippet made travel as JSON text (`vars`), the rest as plain JSON values.
 */
export interface DebugPause {
  t: number;
  connectionId: string;
  /** the node it waits at: an action node of a chain, or the handler itself before it runs */
  nodeId: string;
  /** the handler whose event it is */
  handlerId: string;
  event: EngineEvent;
  message?: InputPreview;
  /** the message parsed as JSON, when it is JSON text */
  json?: unknown;
  /** the chain's `vars`, each value as JSON text (absent: the chain has no vars) */
  vars?: Record<string, string>;
  params: Record<string, string>;
  attributes: Record<string, unknown>;
}

export type DebugEvent = { kind: 'paused'; pause: DebugPause } | { kind: 'resumed'; connectionId: string };

/** What the designer tells a paused connection: run to the next node, run on, or change a `vars` value (JSON text). */
export type DebugCommand =
  | { cmd: 'step' | 'continue'; connectionId: string }
  | { cmd: 'setVar'; connectionId: string; name: string; json: string };

/** The designer's side of the engine's debugger (RunningFlow.debug). */
export interface DebugSession {
  /** Replaces the breakpoints; an empty list lets every paused connection go on. */
  setBreakpoints(nodeIds: readonly string[]): void;
  command(command: DebugCommand): void;
  /** The connections paused now. */
  paused(): DebugPause[];
  /** Clears the breakpoints, lets every paused connection go on, stops listening. */
  detach(): void;
}

export interface RunningFlow {
  readonly port: number;
  /** The port `/metrics` is served on when `metricsPort` was given. */
  readonly metricsPort?: number;
  /** `ws://127.0.0.1:PORT` (host as bound; 0.0.0.0 is shown as 127.0.0.1). */
  readonly url: string;
  subscribe(listener: (event: TraceEvent) => void, options?: TraceOptions): TraceSubscription;
  /** Hot reload: replace snippets; applies to the next event, open connections stay open. */
  reload(next: CompiledFlow): Promise<void>;
  stats(): { connections: number; messagesIn: number; messagesOut: number };
  /** Channels in use on this instance (docs/channels.md); empty without channels. */
  channelStatus?(): ChannelStatus[];
  /** Attach the debugger (one at a time: a new one replaces the previous); `listener` hears pauses and resumes. */
  debug?(listener: (event: DebugEvent) => void): DebugSession;
  /** Close every client with 1001, wait for in-flight handlers (bounded by drain), stop. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}
