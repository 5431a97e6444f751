/**
 * What the hub needs from a message broker (MQTT or Redis pub/sub), and the bookkeeping both
 * share: one broker connection per URL for the whole flow instance, subscriptions counted by
 * topic so that a thousand connections on one topic cost one SUBSCRIBE, and state changes
 * (lost, back) reported once each, not once per reconnect attempt.
 */
export type Listener = (topic: string, payload: Buffer) => void;

export interface SubscribeOptions {
  qos?: number;
  /** Redis: PSUBSCRIBE. MQTT filters carry their wildcards themselves. */
  pattern?: boolean;
}

export interface PublishOptions {
  qos?: number;
  retain?: boolean;
}

/** Broker state changes, for the trace and the designer (the node shows its error). */
export type StatusListener = (level: 'info' | 'error', code: string, message: string) => void;

export interface Broker {
  readonly kind: 'mqtt' | 'redis';
  /** Starts delivering messages on `topic`; returns the function that stops it. */
  subscribe(topic: string, options: SubscribeOptions, listener: Listener): () => void;
  /** Rejects at once (never queues without bound) when the broker is not reachable. */
  publish(topic: string, payload: string | Uint8Array, options: PublishOptions): Promise<void>;
  close(): Promise<void>;
}

/** How long a publish waits for a broker connection that is (re)connecting before it fails. */
export const PUBLISH_WAIT_MS = 2000;

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

/** Listeners per subscribed topic; the first listener subscribes on the broker, the last one unsubscribes. */
export class Subscriptions {
  readonly byKey = new Map<string, { topic: string; pattern: boolean; listeners: Set<Listener> }>();

  constructor(
    private readonly onFirst: (topic: string, options: SubscribeOptions) => void,
    private readonly onLast: (topic: string, pattern: boolean) => void,
  ) {}

  add(topic: string, options: SubscribeOptions, listener: Listener): () => void {
    const pattern = options.pattern === true;
    const key = `${pattern ? 'p' : 's'}:${topic}`;
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { topic, pattern, listeners: new Set() };
      this.byKey.set(key, entry);
      this.onFirst(topic, options);
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
}
