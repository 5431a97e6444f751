/**
 * What the hub needs from a message broker (MQTT or Redis pub/sub), and the bookkeeping both
 * share: one broker connection per URL for the whole flow instance, subscriptions counted by
 * topic so that a thousand connections on one topic cost one SUBSCRIBE, and state changes
 * (lost, back) reported once each, not once per reconnect attempt.
 */
import type { ConnectorLinkState } from '../engine/contracts.ts';

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
  /** Rejects at once (never queues without bound) when the broker is not reachable. */
  publish(topic: string, payload: string | Uint8Array, options: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

/** How long a publish waits for a broker connection that is (re)connecting before it fails. */
export const PUBLISH_WAIT_MS = 2000;
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
