/**
 * What the hub needs from a message broker (MQTT, Redis pub/sub, NATS, AMQP), and the bookkeeping
 * all four share: one broker connection per URL for the whole flow instance, subscriptions counted
 * by topic so that a thousand connections on one topic cost one SUBSCRIBE (Subscriptions), state
 * changes (lost, back) reported once each, not once per reconnect attempt (BrokerHealth), and the
 * bound on what publishing may hold while the broker is away or slow (Outbound).
 */
import type { ConnectorLinkState } from '../engine/contracts.ts';
import { ConnectorError } from './errors.ts';
import { HTTP_BUSY_CODE } from './http-gate.ts';

export type Listener = (topic: string, payload: Buffer) => void;

export interface SubscribeOptions {
  qos?: number;
  /** Redis: PSUBSCRIBE. MQTT filters carry their wildcards themselves. */
  pattern?: boolean;
  /** NATS: a queue group (each message goes to one member). */
  queue?: string;
  /** AMQP: the topic exchange the queue is bound to; the topic is the binding key. */
  exchange?: string;
}

export interface PublishOptions {
  qos?: number;
  retain?: boolean;
  /** AMQP: the exchange published to; the topic is the routing key. */
  exchange?: string;
}

/** Why a subscription is not confirmed: a stable code (docs/errors/connectors.md) and a sentence. */
export interface BrokerRefusal {
  code: string;
  message: string;
}

/** Broker state changes, for the trace and the designer (the node shows its error). */
export type StatusListener = (level: 'info' | 'error', code: string, message: string) => void;

/**
 * The broker connection's state, for the designer's live card: `reconnecting` once a connection
 * that was up is lost, `down` while attempts fail (retries go on), with why and the code of the
 * error reported for the outage (a recovery clears it).
 */
export type StateListener = (state: ConnectorLinkState, reason?: string, code?: string) => void;

export interface Broker {
  readonly kind: string;
  /** Starts delivering messages on `topic`; returns the function that stops it. */
  subscribe(topic: string, options: SubscribeOptions, listener: Listener): () => void;
  /**
   * For a subscription subscribe() made: resolves once the broker has confirmed it (undefined), or
   * with why not: the broker refused it, or did not confirm it within `ms` (e.g. it is away).
   * MQTT, NATS, AMQP (not Redis): a bridged client is let in once its topic is confirmed (docs/connectors/mqtt.md).
   */
  confirmed?(topic: string, options: SubscribeOptions, ms: number): Promise<BrokerRefusal | undefined>;
  /**
   * Resolves once the broker has taken the message; rejects after PUBLISH_WAIT_MS while the broker
   * is away, at once when the connection's Outbound bound is full (nothing queues without bound).
   */
  publish(topic: string, payload: string | Uint8Array, options: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

/** How long a publish waits for a broker connection that is (re)connecting before it fails. */
export const PUBLISH_WAIT_MS = 2000;
/**
 * How long a caller waits for the broker to take a publish (its PUBACK, reply, PONG or confirm)
 * before it is told the publish failed. The message may still arrive later; its room in the
 * outbound bound is given back only when the client library is done with it.
 */
export const PUBLISH_ACK_MS = 10_000;
/** How long a client's upgrade waits for the broker to confirm its subscription before it is refused (503). */
export const SUBSCRIBE_WAIT_MS = 5000;

/** Resolves true once `ready()` holds (checked on `event`), false after `ms`. */
export function waitUntil(ready: () => boolean, on: (listener: () => void) => () => void, ms: number): Promise<boolean> {
  if (ready()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const off = on(() => {
      if (!ready()) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
    const timer = setTimeout(() => {
      off();
      resolve(ready());
    }, ms);
  });
}

/**
 * Where a subscription stands with its broker: sent and not yet answered, confirmed, lost with
 * the broker connection (sent again on reconnect), or refused by the broker.
 */
export type SubscriptionState = 'sent' | 'confirmed' | 'lost' | { refused: string };

export interface Subscription {
  readonly topic: string;
  readonly pattern: boolean;
  readonly options: SubscribeOptions;
  readonly listeners: Set<Listener>;
  state: SubscriptionState;
  /** told of every state change (confirmed() waits this way) */
  readonly watchers: Set<() => void>;
}

const keyOf = (topic: string, pattern: boolean) => `${pattern ? 'p' : 's'}:${topic}`;

/**
 * `Broker.confirmed`'s answer for a subscription as `answered` left it: undefined once confirmed,
 * else the broker's refusal, or the timeout when it did not answer in time (each code written
 * out where it is raised, so docs/errors can be checked against the source).
 */
export function refusalOf(state: SubscriptionState | undefined, refused: [code: string, message: (why: string) => string], timedOut: [code: string, message: string]): BrokerRefusal | undefined {
  if (state === 'confirmed') return undefined;
  if (typeof state === 'object') return { code: refused[0], message: refused[1](state.refused) };
  return { code: timedOut[0], message: timedOut[1] };
}

/** Listeners per subscribed topic; the first listener subscribes on the broker, the last one unsubscribes. */
export class Subscriptions {
  readonly byKey = new Map<string, Subscription>();

  constructor(
    private readonly onFirst: (entry: Subscription) => void,
    private readonly onLast: (topic: string, pattern: boolean) => void,
  ) {}

  add(topic: string, options: SubscribeOptions, listener: Listener): () => void {
    const pattern = options.pattern === true;
    const key = keyOf(topic, pattern);
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { topic, pattern, options, listeners: new Set(), state: 'sent', watchers: new Set() };
      this.byKey.set(key, entry);
      this.onFirst(entry);
    }
    const listeners = entry.listeners;
    listeners.add(listener);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      listeners.delete(listener);
      if (listeners.size === 0 && this.byKey.get(key)?.listeners === listeners) {
        this.byKey.delete(key);
        this.onLast(topic, pattern);
      }
    };
  }

  /** A new state from the broker; answers about a subscription already given up are dropped. */
  settle(entry: Subscription, state: SubscriptionState): void {
    if (this.byKey.get(keyOf(entry.topic, entry.pattern)) !== entry) return;
    entry.state = state;
    for (const watcher of [...entry.watchers]) watcher();
  }

  /** The state of the subscription to `topic` once the broker has answered it, or as it stands after `ms`. */
  async answered(topic: string, options: SubscribeOptions, ms: number): Promise<SubscriptionState | undefined> {
    const entry = this.byKey.get(keyOf(topic, options.pattern === true));
    if (!entry) return undefined;
    const done = () => entry.state === 'confirmed' || typeof entry.state === 'object';
    await waitUntil(done, (l) => (entry.watchers.add(l), () => entry.watchers.delete(l)), ms);
    return entry.state;
  }
}

/**
 * What one broker connection may hold for publishes the broker has not taken yet (waiting for
 * the connection, written and not acknowledged, or still in the socket's buffer). A publish that
 * would go past either bound fails at once (`WSF_CONNECTOR_BACKLOG`): a stalled broker costs at
 * most this much memory, and MQTT never has more than `messages` QoS 1/2 publishes in flight, so
 * its 16-bit message ids (which MQTT.js hands out in turn, wrapping at 65,535) cannot collide.
 * Set per flow with `settings.connectorQueue` (docs/connectors/README.md).
 */
export interface OutboundLimits {
  messages: number;
  bytes: number;
}

export const OUTBOUND_DEFAULTS: Readonly<OutboundLimits> = { messages: 1000, bytes: 16 * 1024 * 1024 };

/** MQTT message ids are 16-bit: more QoS 1/2 publishes in flight than this would reuse one. */
export const MAX_OUTBOUND_MESSAGES = 65_535;

/** Why a publish was not delivered: the `reason` label of `wsflow_connector_dropped_total`. */
export type DropReason = 'backlog' | 'unavailable' | 'timeout' | 'failed' | 'busy';

export const BACKLOG_CODE = 'WSF_CONNECTOR_BACKLOG';
export const ACK_TIMEOUT_CODE = 'WSF_CONNECTOR_ACK_TIMEOUT';

export function dropReason(error: unknown): DropReason {
  const code = error instanceof ConnectorError ? error.code : '';
  if (code === BACKLOG_CODE) return 'backlog';
  // An HTTP call past settings.httpCalls (http-gate.ts).
  if (code === HTTP_BUSY_CODE) return 'busy';
  if (code === ACK_TIMEOUT_CODE) return 'timeout';
  if (code.endsWith('_UNAVAILABLE')) return 'unavailable';
  return 'failed';
}

/**
 * The bounded outbound side of one broker connection: every publish of the four brokers goes
 * through `send`, which reserves room (count and bytes) or refuses, waits for the connection
 * within PUBLISH_WAIT_MS, hands the message to the client library and waits for the broker to
 * take it within PUBLISH_ACK_MS. Room is given back when the library is done with the message,
 * not when the caller stops waiting, so the bound holds what is really in memory.
 */
export class Outbound {
  private messages = 0;
  private bytes = 0;

  constructor(
    private readonly limits: OutboundLimits,
    /** e.g. `the MQTT broker mqtt://host:1883` (credentials removed) */
    private readonly what: string,
    /** the connection publishes go on: its outage code, whether it is up, and a wait for it to be up */
    private readonly link: { readonly code: string; readonly up: boolean; waitUp(ms: number): Promise<boolean> },
  ) {}

  /** `write` hands the message to the library and resolves once the broker has taken it. */
  send(size: number, write: () => Promise<void>): Promise<void> {
    if (this.messages + 1 > this.limits.messages || this.bytes + size > this.limits.bytes) {
      // Full of publishes waiting for a broker that is away: the outage is the reason, not a slow broker.
      if (!this.link.up) return Promise.reject(new ConnectorError(this.link.code, `${this.what} is not connected (and ${this.messages} publishes wait for it already)`));
      return Promise.reject(
        new ConnectorError(
          BACKLOG_CODE,
          `${this.what} has not taken ${this.messages} publishes (${this.bytes} bytes) yet; the outbound bound is ${this.limits.messages} messages or ${this.limits.bytes} bytes (settings.connectorQueue), so this one is dropped`,
        ),
      );
    }
    this.messages++;
    this.bytes += size;
    const done = (async () => {
      if (!(await this.link.waitUp(PUBLISH_WAIT_MS))) throw new ConnectorError(this.link.code, `${this.what} is not connected`);
      await write();
    })();
    void done.then(this.release(size), this.release(size));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConnectorError(ACK_TIMEOUT_CODE, `${this.what} did not take the publish within ${PUBLISH_ACK_MS / 1000} s (it may still be delivered)`)), PUBLISH_ACK_MS);
      timer.unref();
    });
    return Promise.race([done, late]).finally(() => clearTimeout(timer));
  }

  private release(size: number): () => void {
    return () => {
      this.messages--;
      this.bytes -= size;
    };
  }
}

/**
 * One broker connection's health, for every broker: the outage reported once (its `..._UNAVAILABLE`
 * code, error) and its end once (`..._RECONNECTED`, info), however many attempts fail between; the
 * live state `reconnecting` when a connection that was up is lost, `down` while attempts fail.
 */
export class BrokerHealth {
  /** connected now */
  up = false;
  private outage = false;
  private readonly watchers = new Set<() => void>();
  /** the outage's code */
  readonly code: string;
  private readonly reconnected: string;

  constructor(
    codes: { unavailable: string; reconnected: string },
    /** e.g. `the MQTT broker mqtt://host:1883` */
    private readonly what: string,
    private readonly shown: string,
    private readonly status: StatusListener,
    private readonly state: StateListener,
  ) {
    this.code = codes.unavailable;
    this.reconnected = codes.reconnected;
  }

  connected(): void {
    if (this.outage) this.status('info', this.reconnected, `connected to ${this.shown} again`);
    this.outage = false;
    this.up = true;
    this.state('connected');
    this.notify();
  }

  lost(why: string): void {
    if (!this.outage) this.status('error', this.code, `${this.what} is not reachable (${why}); retrying with backoff`);
    this.outage = true;
    this.state(this.up ? 'reconnecting' : 'down', why, this.code);
    this.up = false;
    this.notify();
  }

  /** Resolves true once connected, false after `ms`. */
  waitUp(ms: number): Promise<boolean> {
    return waitUntil(() => this.up, (l) => (this.watchers.add(l), () => this.watchers.delete(l)), ms);
  }

  private notify(): void {
    for (const w of [...this.watchers]) w();
  }
}
