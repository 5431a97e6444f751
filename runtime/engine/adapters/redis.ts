/**
 * The Redis cluster adapter: N identical instances of a flow share broadcasts, targeted sends,
 * `state` and connection counts through one Redis, without any snippet changing.
 *
 * - Delivery: one pub/sub channel per flow+service carrying the Delivery JSON (plus `origin`).
 *   The publishing instance delivers to its own sockets directly and ignores its own echo, so
 *   local delivery never depends on Redis. All publishes of an instance go over one connection
 *   and every subscriber handles messages in arrival order: per sender, messages arrive in order
 *   on every instance.
 * - While Redis is down: local connections keep working; publishes fail fast (no offline queue)
 *   and are counted in `stats().undelivered`; one warning per outage, one line on recovery;
 *   state operations reject with `WSF_STATE_UNAVAILABLE`. ioredis reconnects with capped
 *   exponential backoff and re-subscribes by itself.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { ClusterAdapter, Delivery, StateBackend } from '../contracts.ts';
import { redisKeys } from './redis-keys.ts';
import { redactUrl, scrubSecrets } from '../../model/redact.ts';
import { createRedisState } from './redis-state.ts';
import { Presence } from './redis-presence.ts';
import { createRedisChannels } from './redis-channels.ts';

export type AdapterLogLevel = 'info' | 'warn' | 'error';

export interface RedisAdapterOptions {
  /** Flow name: the namespace of every key and channel (`wsflow:<flow>:...`). Default `wsflow`. */
  flow?: string;
  /** Unique per process; default `<hostname>-<pid>-<random>`. */
  instanceId?: string;
  /** Where the adapter's few lines go (default stderr with a `[wsflow redis]` prefix). */
  log?: (level: AdapterLogLevel, message: string) => void;
  /** Presence heartbeat; a crashed instance's connections stop counting after 3 beats. Default 5000. */
  heartbeatMs?: number;
  /** Cap of the reconnect backoff (100 ms doubling up to this). Default 2000. */
  retryMaxDelayMs?: number;
  /** A command that gets no reply in this time fails (a hung Redis must not hang snippets). Default 3000. */
  commandTimeoutMs?: number;
  /** How long `start()` waits for Redis before serving local-only (and retrying). Default 5000. */
  connectTimeoutMs?: number;
  /**
   * A Redis that hangs without closing the connection: once this many publishes await a reply and
   * the oldest has waited longer than the command timeout, further publishes are dropped (and
   * counted) instead of piling up in memory. A burst Redis answers in time is never dropped. Default 10000.
   */
  maxPendingCommands?: number;
}

export class RedisAdapterError extends Error {
  override name = 'RedisAdapterError';
}

/** Wire format of one pub/sub message: the Delivery plus the publishing instance. */
interface Envelope extends Delivery {
  origin: string;
}

export function createRedisAdapter(url: string, options: RedisAdapterOptions = {}): ClusterAdapter {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisAdapterError(`Redis URL ${JSON.stringify(redactUrl(url))} is not a URL (expected redis://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisAdapterError(`Redis URL ${redactUrl(url)} must start with redis:// or rediss://`);
  }
  const where = redactUrl(url);
  const flow = options.flow ?? 'wsflow';
  const keys = redisKeys(flow);
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 2000;
  const maxPending = options.maxPendingCommands ?? 10_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 3000;
  const log = options.log ?? ((level, message) => process.stderr.write(`[wsflow redis] ${level}: ${scrubSecrets(message)}\n`));

  const clientOptions: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    // In-flight commands fail when the connection drops instead of being resent much later.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt - 1, 10), retryMaxDelayMs),
    connectTimeout: Math.max(1000, commandTimeoutMs),
    connectionName: `wsflow:${flow}:${instanceId}`,
  };
  // Auto-pipelining writes every command issued in one tick as one batch, in order: a burst of
  // broadcasts costs one write, and per-sender order is kept.
  // No ioredis commandTimeout: it arms a timer per command, PUBLISH included. State and counts
  // time out per call (withTimeout); publishes are bounded by the backlog check instead.
  const cmd = new Redis(url, { ...clientOptions, enableAutoPipelining: true });
  const sub = new Redis(url, clientOptions);

  const presence = new Presence(cmd, keys, instanceId, heartbeatMs, commandTimeoutMs);
  const state: StateBackend = createRedisState(cmd, keys, where, commandTimeoutMs);
  const counters = { published: 0, received: 0, undelivered: 0, malformed: 0, outages: 0, localErrors: 0 };

  let deliverLocal: ((delivery: Delivery) => void) | undefined;
  let cmdReady = false;
  let subReady = false;
  let closing = false;
  let lastError = '';
  // Outage bookkeeping: one warning when it starts, one line when it ends.
  let down: { since: number; undeliveredAtStart: number } | undefined;

  // A throwing engine callback must not reach ioredis' parser (or the snippet that published).
  const deliver = (delivery: Delivery) => {
    try {
      deliverLocal?.(delivery);
    } catch {
      counters.localErrors++;
    }
  };

  // Send times of the publishes still waiting for a reply, oldest first (replies come in order).
  const sentAt: number[] = [];
  let sentHead = 0;
  const settled = () => {
    sentHead++;
    if (sentHead > 1024 && sentHead * 2 > sentAt.length) {
      sentAt.splice(0, sentHead);
      sentHead = 0;
    }
  };
  /** Too many publishes have waited too long for Redis: it hangs (or cannot keep up). */
  const stuck = () => sentAt.length - sentHead >= maxPending && Date.now() - sentAt[sentHead]! > commandTimeoutMs;

  const originPrefix = `{"origin":${JSON.stringify(instanceId)},`;
  // Shared callbacks: no closures allocated per publish on the hot path.
  const onPublished = () => {
    settled();
    counters.published++;
    // An outage without a disconnect (a hung Redis) ends with the first success.
    if (down) maybeUp();
  };
  const onPublishFailed = (error: Error) => {
    settled();
    lastError = error.message;
    counters.undelivered++;
    markDown();
  };

  const markDown = () => {
    if (closing || down) return;
    down = { since: Date.now(), undeliveredAtStart: counters.undelivered };
    counters.outages++;
    log(
      'warn',
      `Redis at ${where} is unreachable${lastError ? ` (${lastError})` : ''}: cross-instance delivery and state are paused, ` +
        `local connections keep working; reconnecting with backoff (at most ${retryMaxDelayMs} ms apart)`,
    );
  };
  const maybeUp = () => {
    if (!cmdReady || !subReady || !down) return;
    const seconds = ((Date.now() - down.since) / 1000).toFixed(1);
    const lost = counters.undelivered - down.undeliveredAtStart;
    down = undefined;
    log('info', `Redis at ${where} is reachable again after ${seconds} s; ${lost} deliveries could not reach other instances meanwhile`);
  };

  for (const client of [cmd, sub]) {
    // Without an 'error' listener ioredis' errors would crash the process; the outage is logged
    // once by markDown, not per reconnect attempt.
    client.on('error', (error: Error) => {
      lastError = error.message;
    });
  }
  cmd.on('ready', () => {
    cmdReady = true;
    presence.announce();
    maybeUp();
  });
  cmd.on('close', () => {
    cmdReady = false;
    markDown();
  });
  sub.on('ready', () => {
    // PSUBSCRIBE is idempotent; doing it on every 'ready' also covers a first attempt that failed.
    sub.psubscribe(keys.channelPattern).then(
      () => {
        subReady = true;
        maybeUp();
      },
      (error: Error) => {
        lastError = error.message;
      },
    );
  });
  sub.on('close', () => {
    subReady = false;
    markDown();
  });
  sub.on('pmessage', (_pattern: string, _channel: string, message: string) => {
    const envelope = parseEnvelope(message);
    if (!envelope) {
      counters.malformed++;
      return;
    }
    if (envelope.origin === instanceId) return; // delivered locally when it was published
    counters.received++;
    const { origin: _origin, ...delivery } = envelope;
    deliver(delivery);
  });

  const waitReady = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if ((cmdReady && subReady) || closing) done();
      }, 20);
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    });

  const adapter: ClusterAdapter = {
    async start(deliver) {
      deliverLocal = deliver;
      cmd.connect().catch(() => undefined);
      sub.connect().catch(() => undefined);
      presence.start();
      await waitReady(options.connectTimeoutMs ?? 5000);
      if (!cmdReady || !subReady) markDown(); // not reachable yet: serve locally, keep retrying
      else log('info', `using Redis at ${where} for broadcasts, state and connection counts (instance ${instanceId})`);
    },

    publish(delivery) {
      deliver(delivery);
      let remote: Delivery = delivery;
      if (delivery.to) {
        const elsewhere = delivery.to.filter((id) => !presence.isLocal(id));
        if (elsewhere.length === 0) return; // a targeted send to local connections needs no Redis
        remote = { ...delivery, to: elsewhere };
      }
      const backlog = stuck();
      if (!cmdReady || backlog) {
        if (backlog && !down) lastError = `${sentAt.length - sentHead} publishes are waiting for a reply`;
        counters.undelivered++;
        markDown();
        return;
      }
      sentAt.push(Date.now());
      if (typeof remote.data !== 'string') remote = { ...remote, data: wireText(remote.data, remote.binary === true) };
      // `{"origin":...,` + the Delivery's own JSON: the wire envelope without copying the object.
      cmd.publish(keys.channel(delivery.service), originPrefix + JSON.stringify(remote).slice(1)).then(onPublished, onPublishFailed);
    },

    state,

    connectionOpened(service, connectionId) {
      presence.opened(service, connectionId);
    },
    connectionClosed(service, connectionId) {
      presence.closed(service, connectionId);
    },
    connectionCount(service) {
      return presence.count(service);
    },

    // Its own two connections, made only when the flow uses channels.
    channels: () => createRedisChannels(url, clientOptions, flow, commandTimeoutMs, options.connectTimeoutMs ?? 5000),

    stats() {
      return {
        ...counters,
        staleCounts: presence.staleAnswers,
        redisUp: cmdReady && subReady ? 1 : 0,
      };
    },

    async close() {
      if (closing) return;
      closing = true;
      await presence.leave();
      for (const client of [cmd, sub]) {
        if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
        else client.disconnect();
      }
    },
  };
  return adapter;
}

/** Bytes of a delivery as pub/sub carries them: text as text, binary as base64 (see Delivery). */
function wireText(bytes: Uint8Array, binary: boolean): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(binary ? 'base64' : 'utf8');
}

function parseEnvelope(message: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.origin !== 'string' || typeof v.service !== 'string' || typeof v.data !== 'string') return undefined;
  const isIdList = (list: unknown) => list === undefined || (Array.isArray(list) && list.every((id) => typeof id === 'string'));
  if (!isIdList(v.to) || !isIdList(v.except)) return undefined;
  return value as Envelope;
}
