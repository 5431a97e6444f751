/**
 * The wsflow handler API: the types every snippet sees.
 *
 * This one file is loaded by Monaco for IntelliSense and by `wsflow validate` for type checks.
 * All names are global, so a snippet needs no import. A snippet is a module whose default export
 * is the handler function for its node type (see the `*Handler` types at the end).
 */

/** Data a connection or broadcast can send. Objects and arrays are sent as JSON text. */
type WsData = string | Uint8Array | ArrayBuffer | Record<string, unknown> | unknown[];

/** A value of a declared query parameter, already converted to its declared type. */
type QueryValue = string | number | boolean;

/** The result of the upgrader's credential check (`conn.auth`). */
interface ConnectionAuth {
  readonly type: 'jwt' | 'apiKey';
  readonly subject?: string;
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** One open WebSocket connection. */
interface Connection {
  /** Unique id of this connection (stable for its lifetime, unique across instances). */
  readonly id: string;
  /** Id of the service node this connection belongs to. */
  readonly service: string;
  /** Values of the `{params}` of the upgrade path, e.g. `{ name: "alice" }`. */
  readonly params: Readonly<Record<string, string>>;
  /** Query parameters: declared ones converted to their type, others as strings. */
  readonly query: Readonly<Record<string, QueryValue | undefined>>;
  /** Request headers of the upgrade, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request path that was upgraded, e.g. `/chat/alice`. */
  readonly path: string;
  /** The negotiated subprotocol, or `""`. */
  readonly protocol: string;
  readonly remoteAddress: string;
  /**
   * Who the client is, when the upgrader requires credentials (`auth`); `undefined` otherwise.
   * For a JWT, `subject` is its `sub` and `claims` its verified payload.
   */
  readonly auth?: ConnectionAuth;
  /** Per-connection state you may change freely. Values must be JSON-serializable. */
  attributes: Record<string, unknown>;
  /** Send one message to this connection. */
  send(data: WsData): void;
  /** Close this connection (default 1000). Reason at most 123 bytes. */
  close(code?: number, reason?: string): void;
  /**
   * Subscribe this connection to a channel its service declares (`room:{room}` is filled from
   * this connection's params, query, attributes). With `since`, the messages with a higher offset
   * still in history come first, in order; `recovered` is false when the history no longer
   * reaches back to `since + 1` (then nothing is replayed). At most 100 channels per connection.
   */
  subscribe(channel: string, options?: ChannelSubscribeOptions): Promise<ChannelJoin>;
  /** Leave a channel (closing leaves every channel). Resolves true when it was subscribed. */
  unsubscribe(channel: string): Promise<boolean>;
}

interface ChannelSubscribeOptions {
  /**
   * The last offset the client saw; undefined = live messages only. A query value may be passed
   * as is (`conn.query.since`): a decimal string is read as a number, anything else is refused.
   */
  since?: QueryValue | null;
  /** Who joins, in presence events (default: the connection id). */
  member?: string;
}

interface ChannelJoin {
  /** False when the history no longer reaches back to `since + 1`: nothing was replayed (tell the client to resync). */
  recovered: boolean;
  /** Messages replayed before the live ones. */
  replayed: number;
  /** The channel's last offset when the subscription started (0 = nothing published yet). */
  offset: number;
}

/** A channel: every subscriber gets `{"channel":NAME,"offset":N,"data":VALUE}` for each publish. */
interface Channel {
  readonly name: string;
  /** Publish a JSON value to every subscriber, the publisher included, on every instance. Resolves with its offset. */
  publish(data: unknown): Promise<number>;
  /** Members subscribed now (presence channels; every instance with REDIS_URL). */
  members(): Promise<string[]>;
}

interface BroadcastOptions {
  /** Connections (or their ids) that must not receive the message. */
  except?: string | Connection | ReadonlyArray<string | Connection>;
}

/** Per-service key/value store. Async so that a multi-instance (Redis) adapter fits unchanged. */
interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Store a JSON-serializable value. */
  set(key: string, value: unknown): Promise<void>;
  /** Returns true when the key existed. */
  delete(key: string): Promise<boolean>;
  /** Atomically add `by` (default 1) to a numeric value (missing = 0) and return the result. */
  incr(key: string, by?: number): Promise<number>;
  /** Keys that start with `prefix` (all keys when omitted), sorted. */
  keys(prefix?: string): Promise<string[]>;
}

interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** What a handler sees besides its connection. */
interface ServiceContext {
  /** Id of the service node. */
  readonly service: string;
  /** Open connections of this service on this instance, in the order they opened. */
  readonly connections: readonly Connection[];
  /** Open connections of this service across all instances (equals `connections.length` on one). */
  connectionCount(): Promise<number>;
  /** Send to every open connection of this service (on every instance). */
  broadcast(data: WsData, options?: BroadcastOptions): void;
  /** Send to the given connections by id, wherever they are connected. */
  sendTo(ids: string | ReadonlyArray<string>, data: WsData): void;
  readonly state: StateStore;
  readonly log: Logger;
  /** Environment variables of the service (`wsflow run --env-file F`, the container's environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * An HTTP request, made by the engine's main thread. Resolves with any response (check
   * `status`); rejects only when no attempt got one (network error, timeout) after the retries.
   */
  http(request: HttpRequest): Promise<HttpResponse>;
  /** An MQTT broker; one shared connection per URL for the whole service instance. */
  mqtt(url: string): PubSubBroker;
  /** Redis pub/sub; one shared connection per URL for the whole service instance. */
  redis(url: string): PubSubBroker;
  /** A NATS server; one shared connection per URL for the whole service instance. */
  nats(url: string): NatsBroker;
  /** An AMQP 0-9-1 broker (RabbitMQ); one shared connection per URL for the whole service instance. */
  amqp(url: string): AmqpBroker;
  /** A channel the service declares; `{x}` in the name is filled from `conn` (params, query, attributes). */
  channel(name: string, conn?: Connection): Channel;
}

/** `ctx.http`'s request; the engine's HttpCallSpec is this type (engine/contracts/connectors.ts), so there is one spelling. */
interface HttpRequest {
  /** Default GET. */
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Per attempt, default 10000. */
  timeoutMs?: number;
  /** Extra attempts with backoff on network errors, timeouts, 429, 502, 503, 504 (default 0, at most 10). */
  retries?: number;
  /**
   * Check the URL and every redirect before the request (for a URL built from client input):
   * `{}` refuses loopback, link-local and private addresses; `{ allow: ['api.example.com',
   * '*.example.com', '10.0.0.0/8'] }` allows only those. Fails with WSF_HTTP_BLOCKED.
   */
  guard?: { allow?: string[] };
}

/** What `ctx.http` resolves with; the engine's HttpResult is this type (engine/contracts/connectors.ts). */
interface HttpResponse {
  status: number;
  ok: boolean;
  statusText: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed, when it is JSON. */
  json?: unknown;
  /** Attempts made (1 without retries). */
  attempts: number;
}

interface PubSubBroker {
  /** Publish on an MQTT topic or a Redis channel. Rejects at once while the broker is unreachable. */
  publish(topic: string, payload: string | Uint8Array | Record<string, unknown> | unknown[], options?: { qos?: 0 | 1 | 2; retain?: boolean }): Promise<void>;
  /**
   * Deliver every message on `topic` (an MQTT filter with + and # wildcards, or a Redis channel;
   * a Redis pattern with `pattern: true`) to `conn` until it closes, as text (default) or binary.
   */
  subscribe(conn: Connection, topic: string, options?: { qos?: 0 | 1 | 2; as?: 'text' | 'binary'; pattern?: boolean }): Promise<void>;
}

interface NatsBroker {
  /** Publish on a subject (no wildcards). Rejects at once while the server is unreachable. */
  publish(subject: string, payload: string | Uint8Array | Record<string, unknown> | unknown[]): Promise<void>;
  /**
   * Deliver every message on `subject` (wildcards * and >) to `conn` until it closes, as text
   * (default) or binary; with `queue`, each message goes to one member of the queue group.
   */
  subscribe(conn: Connection, subject: string, options?: { queue?: string; as?: 'text' | 'binary' }): Promise<void>;
}

interface AmqpBroker {
  /** Publish to a topic exchange (declared durable if missing); resolves once the broker confirmed it. */
  publish(exchange: string, routingKey: string, payload: string | Uint8Array | Record<string, unknown> | unknown[]): Promise<void>;
  /** Deliver every message routed to `exchange` with a key matching `routingKey` (* and #) to `conn` until it closes. */
  subscribe(conn: Connection, exchange: string, routingKey: string, options?: { as?: 'text' | 'binary' }): Promise<void>;
}

/** The HTTP upgrade request, as an upgrade snippet sees it. */
interface UpgradeRequest {
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, QueryValue | undefined>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  /** The verified credentials, when the upgrader has `auth` (checked before this snippet runs). */
  readonly auth?: ConnectionAuth;
  /** Subprotocols the client offered, in its order (credential markers and tokens left out). */
  readonly protocols: readonly string[];
}

/** What an upgrade snippet returns. Returning nothing accepts the upgrade. */
type UpgradeDecision =
  | {
      accept: true;
      /** Initial per-connection attributes. */
      attributes?: Record<string, unknown>;
      /** Pick one of `req.protocols`. */
      protocol?: string;
      /** Sent to the client right after the handshake, before onOpen runs. */
      firstMessage?: WsData;
    }
  | {
      accept: false;
      /** HTTP status of the refused handshake (default 403). */
      status?: number;
      reason?: string;
    };

/** Passed to onError: a socket error or an error thrown by another handler of the service. */
interface HandlerError {
  /** Stable code, e.g. `WSF_SNIPPET_THROW`, `WSF_SOCKET_ERROR`. */
  readonly code: string;
  readonly message: string;
  /** Node whose snippet failed, when the error came from a snippet (in a chain: the action node). */
  readonly nodeId?: string;
  /** In a chain: the field of that action node whose expression failed. */
  readonly field?: string;
  /** Line in that snippet. */
  readonly line?: number;
}

type Awaitable<T> = T | Promise<T>;

type UpgradeHandler = (req: UpgradeRequest, ctx: ServiceContext) => Awaitable<UpgradeDecision | void>;
type OnOpenHandler = (conn: Connection, ctx: ServiceContext) => Awaitable<void>;
type OnTextHandler = (conn: Connection, text: string, ctx: ServiceContext) => Awaitable<void>;
type OnBinaryHandler = (conn: Connection, data: Uint8Array, ctx: ServiceContext) => Awaitable<void>;
type OnCloseHandler = (conn: Connection, code: number, reason: string, ctx: ServiceContext) => Awaitable<void>;
type OnErrorHandler = (conn: Connection, error: HandlerError, ctx: ServiceContext) => Awaitable<void>;
