/**
 * Redis pub/sub with ioredis: per URL one subscriber connection (a subscribed Redis connection
 * can do nothing else) and one publisher, shared by the flow instance. Both reconnect with
 * backoff. The publisher has no offline queue; its publishes go through the connection's
 * bounded Outbound (broker.ts): a publish waits for Redis's reply within that bound and fails at
 * once past it, so a stalled Redis (its commands unanswered) cannot make them pile up.
 *
 * (P)SUBSCRIBE is only ever sent on a *ready* subscriber connection, and on every 'ready' the
 * whole wanted set is subscribed again (ioredis' own autoResubscribe is off). ioredis writes
 * SUBSCRIBE straight onto a socket that is still in its handshake (status 'connect'): the
 * connection then enters subscriber mode, its ready check (INFO) is refused, ioredis drops it and
 * reconnects with no subscriptions at all, and the channel would stay deaf for good.
 */
import { Redis } from 'ioredis';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { redactUrl } from '../model/redact.ts';
import { BrokerHealth, Outbound, Subscriptions, waitUntil } from './broker.ts';
import type { Broker, Listener, OutboundLimits, PublishOptions, StateListener, StatusListener, SubscribeOptions } from './broker.ts';
import { ConnectorError } from './errors.ts';

export function redisBroker(url: string, status: StatusListener, state: StateListener, limits: OutboundLimits): Broker {
  const shown = redactUrl(url);
  /** up: both connections ready */
  const health = new BrokerHealth({ unavailable: 'WSF_REDIS_UNAVAILABLE', reconnected: 'WSF_REDIS_RECONNECTED' }, `Redis ${shown}`, shown, status, state);
  const ready = () => {
    if (!health.up && sub.status === 'ready' && pub.status === 'ready') health.connected();
  };
  // Publishing needs only the publisher connection.
  const outbound = new Outbound(limits, `Redis ${shown}`, {
    code: health.code,
    get up() {
      return pub.status === 'ready';
    },
    waitUp: (ms) => waitUntil(() => pub.status === 'ready', (l) => (pub.on('ready', l), () => pub.off('ready', l)), ms),
  });
  const retryStrategy = (times: number) => backoffDelay(times, RECONNECT);
  const sub = new Redis(url, { retryStrategy, lazyConnect: true, maxRetriesPerRequest: null, autoResubscribe: false });
  const pub = new Redis(url, { retryStrategy, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const onError = (error: Error) => health.lost(error.message);
  sub.on('error', onError);
  pub.on('error', onError);
  // A ready connection that closes is a loss even before the next attempt fails.
  const onClose = () => {
    if (health.up) health.lost('connection lost');
  };
  sub.on('close', onClose);
  pub.on('close', onClose);
  pub.on('ready', ready);

  const subscribeNow = (topics: string[], pattern: boolean) => {
    if (topics.length === 0) return;
    (pattern ? sub.psubscribe(...topics) : sub.subscribe(...topics)).catch((error: Error) =>
      status('error', 'WSF_REDIS_SUBSCRIBE', `subscribing to ${topics.map((t) => `'${t}'`).join(', ')} on ${shown} failed: ${error.message}`),
    );
  };
  const subs = new Subscriptions(
    (entry) => {
      // Not ready: the 'ready' handler below subscribes everything wanted at that moment.
      if (sub.status === 'ready') subscribeNow([entry.topic], entry.pattern);
    },
    (topic, pattern) => {
      // Not ready: this connection holds no subscription yet, and a reconnect only restores what is still wanted.
      if (sub.status === 'ready') void (pattern ? sub.punsubscribe(topic) : sub.unsubscribe(topic)).catch(() => undefined);
    },
  );
  sub.on('ready', () => {
    ready();
    const wanted = [...subs.byKey.values()];
    subscribeNow(wanted.filter((e) => !e.pattern).map((e) => e.topic), false);
    subscribeNow(wanted.filter((e) => e.pattern).map((e) => e.topic), true);
  });
  void sub.connect().catch(() => undefined);
  void pub.connect().catch(() => undefined);

  const deliver = (key: string, channel: string, message: Buffer) => {
    const entry = subs.byKey.get(key);
    if (entry) for (const listener of entry.listeners) listener(channel, message);
  };
  sub.on('messageBuffer', (channel: Buffer, message: Buffer) => deliver(`s:${channel.toString()}`, channel.toString(), message));
  sub.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => deliver(`p:${pattern.toString()}`, channel.toString(), message));

  return {
    kind: 'redis',
    subscribe(topic: string, options: SubscribeOptions, listener: Listener) {
      if (topic === '') throw new ConnectorError('WSF_REDIS_CHANNEL', 'a channel name cannot be empty');
      return subs.add(topic, options, listener);
    },
    async publish(topic: string, payload: string | Uint8Array, _options: PublishOptions) {
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return outbound.send(body.byteLength, async () => {
        try {
          await pub.publish(topic, body);
        } catch (error) {
          throw new ConnectorError('WSF_REDIS_PUBLISH', error instanceof Error ? error.message : String(error));
        }
      });
    },
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
}
