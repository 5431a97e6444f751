/**
 * Redis pub/sub with ioredis: per URL one subscriber connection (a subscribed Redis connection
 * can do nothing else) and one publisher, shared by the flow instance. Both reconnect with
 * backoff. The publisher has no offline queue: a publish while Redis is away fails at once
 * instead of piling up.
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
import { PUBLISH_WAIT_MS, Subscriptions, waitUntil } from './broker.ts';
import type { Broker, Listener, PublishOptions, StateListener, StatusListener, SubscribeOptions } from './broker.ts';
import { ConnectorError } from './errors.ts';

export function redisBroker(url: string, status: StatusListener, state: StateListener): Broker {
  const shown = redactUrl(url);
  let down = false;
  /** both connections ready: a loss reads `reconnecting`, a failed attempt after it `down` */
  let up = false;
  const lost = (why: string) => {
    state(up ? 'reconnecting' : 'down', why, 'WSF_REDIS_UNAVAILABLE');
    up = false;
  };
  const ready = () => {
    if (up || sub.status !== 'ready' || pub.status !== 'ready') return;
    up = true;
    state('connected');
  };
  const retryStrategy = (times: number) => backoffDelay(times, RECONNECT);
  const sub = new Redis(url, { retryStrategy, lazyConnect: true, maxRetriesPerRequest: null, autoResubscribe: false });
  const pub = new Redis(url, { retryStrategy, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const onError = (error: Error) => {
    if (!down) status('error', 'WSF_REDIS_UNAVAILABLE', `Redis ${shown} is not reachable (${error.message}); retrying with backoff`);
    down = true;
    lost(error.message);
  };
  sub.on('error', onError);
  pub.on('error', onError);
  // A ready connection that closes is a loss even before the next attempt fails.
  const onClose = () => {
    if (up) lost('connection lost');
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
    if (down) status('info', 'WSF_REDIS_RECONNECTED', `connected to ${shown} again`);
    down = false;
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
      const up = await waitUntil(() => pub.status === 'ready', (l) => (pub.on('ready', l), () => pub.off('ready', l)), PUBLISH_WAIT_MS);
      if (!up) throw new ConnectorError('WSF_REDIS_UNAVAILABLE', `Redis ${shown} is not connected`);
      const body = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      try {
        await pub.publish(topic, body);
      } catch (error) {
        throw new ConnectorError('WSF_REDIS_PUBLISH', error instanceof Error ? error.message : String(error));
      }
    },
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
}
