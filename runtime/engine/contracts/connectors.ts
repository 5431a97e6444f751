// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the handler API is a global script (no exports to import); this makes its types seen wherever this file is compiled.
/// <reference path="../../api/wsflow-handler-api.d.ts" />
/**
 * Connectors (runtime/connectors/): outbound integrations that run in the main thread, beside the
 * sockets. The engine only carries calls and socket events to them; it knows no broker.
 */
import type { FlowDocument } from '../../model/types.ts';
import type { TraceEvent } from './trace.ts';

/** A call a snippet made through `ctx.http`, `ctx.mqtt(url)` or `ctx.redis(url)`. */
export type ConnectorCall =
  | { kind: 'http'; nodeId?: string; request: HttpCallSpec }
  | { kind: 'publish'; nodeId?: string; broker: SnippetBroker; url: string; topic: string; payload: string | Uint8Array; qos?: number; retain?: boolean; exchange?: string }
  | { kind: 'subscribe'; nodeId?: string; broker: SnippetBroker; url: string; topic: string; qos?: number; as?: 'text' | 'binary'; pattern?: boolean; queue?: string; exchange?: string };

/** The brokers snippets reach (`ctx.mqtt(url)`, ...); AMQP calls carry the exchange, the topic is the routing key. */
export type SnippetBroker = 'mqtt' | 'redis' | 'nats' | 'amqp';

/**
 * `ctx.http`'s request. Spelled once, in the handler API snippets see: a global script, so it
 * cannot import this file; this file refers to it instead (the reference at the top), so every
 * program that compiles the engine sees it. Where it may go: model/http-guard.ts.
 */
export type HttpCallSpec = HttpRequest;

/** What `ctx.http` resolves with (connectors/http.ts), spelled once in the same place. */
export type HttpResult = HttpResponse;

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
