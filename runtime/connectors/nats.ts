/**
 * NATS with nats.js: one connection per server URL for the flow instance. Once connected, nats.js
 * reconnects by itself (forever, with our backoff) and sends every subscription again; the first
 * connection is retried here, with the same backoff, since nats.js gives up on it. A subscription
 * counts as confirmed once a flush (PING/PONG) after its SUB has come back: the server handles a
 * connection's commands in order, so by then it has the subscription or has refused it (a
 * permission error reaches the subscription first). NATS core delivery is at most once. A publish
 * goes through the connection's bounded Outbound (broker.ts) and counts as taken once a flush sent
 * after it comes back (one PING per event-loop turn covers every publish of that turn): a stalled
 * server holds at most that bound, past it a publish fails at once; while the server is away a
 * publish fails after a short grace.
 *
 * Credentials in the URL (`nats://user:pass@host`, `nats://token@host`) are handed to nats.js as
 * options (it does not read them from a URL) and never appear in a message.
 */
import type { ConnectionOptions, NatsConnection, Subscription as NatsSubscription } from 'nats';
import { natsSubjectProblem } from '../model/kinds/nats-in.ts';
import { redactUrl } from '../model/redact.ts';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { BrokerHealth, Outbound, Subscriptions, refusalOf } from './broker.ts';
import type { Broker, Listener, OutboundLimits, PublishOptions, StateListener, StatusListener, SubscribeOptions, Subscription } from './broker.ts';
import { ConnectorError } from './errors.ts';

/**
 * nats.js is loaded by the first NATS node that connects: a flow without one does not carry it
 * (a process that loaded it holds ~10 MiB more and its GC lets every connection's garbage grow
 * further; test/security/defaults.test.ts measures the growth).
 */
let natsModule: Promise<typeof import('nats')> | undefined;
const loadNats = () => (natsModule ??= import('nats'));

/** nats.js options for a `nats://` URL: its server and its credentials, if any. */
export function natsConnectOptions(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConnectorError('WSF_NATS_URL', `'${redactUrl(url)}' is not a NATS URL (nats://host:4222)`);
  }
  if (!['nats:', 'tls:'].includes(u.protocol)) throw new ConnectorError('WSF_NATS_URL', `a NATS URL starts with nats:// or tls:// (not ${u.protocol}//)`);
  const options: ConnectionOptions = { servers: `${u.protocol}//${u.host}` };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  if (user && pass) Object.assign(options, { user, pass });
  else if (user) options.token = user;
  return options;
}

/** Subscriptions are counted per subject; a queue member is one per caller (the group shares the work among them). */
const QUEUE_KEY = '\u0000q';

export function natsBroker(url: string, status: StatusListener, state: StateListener, limits: OutboundLimits): Broker {
  const shown = redactUrl(url);
  const base = natsConnectOptions(url);
  let nc: NatsConnection | undefined;
  const health = new BrokerHealth({ unavailable: 'WSF_NATS_UNAVAILABLE', reconnected: 'WSF_NATS_RECONNECTED' }, `the NATS server ${shown}`, shown, status, state);
  const outbound = new Outbound(limits, `the NATS server ${shown}`, health);
  let closing = false;
  let members = 0;
  /** reconnect attempts since the last connection; one backoff delay per attempt */
  let attempts = 0;
  let delay = { attempt: -1, ms: 0 };
  /** the nats.js subscription of each entry, by the entry's key */
  const natsSubs = new Map<string, NatsSubscription>();

  /** Publishes written and waiting for their flush: failed when the connection is lost (their PONG never comes). */
  const unflushed = new Set<() => void>();
  const unavailable = (why: string) => {
    health.lost(why);
    for (const cut of [...unflushed]) cut();
    unflushed.clear();
  };
  /** The flush the publishes of this event-loop turn wait for; sent at the end of the turn. */
  let batch: Promise<void> | undefined;
  const flushSoon = (conn: NatsConnection): Promise<void> =>
    (batch ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        batch = undefined;
        conn.flush().then(resolve, reject);
      }),
    ));
  const subjectOf = (entry: Subscription) => (entry.topic.includes(QUEUE_KEY) ? (entry.topic.split(QUEUE_KEY)[0] as string) : entry.topic);

  /** Marks the subscriptions the server has by now (its PONG came back after their SUBs). */
  const confirmAll = (conn: NatsConnection) => {
    conn.flush().then(
      () => {
        if (!health.up || nc !== conn) return;
        for (const entry of subs.byKey.values()) if (natsSubs.has(entry.topic) && (entry.state === 'sent' || entry.state === 'lost')) subs.settle(entry, 'confirmed');
      },
      () => undefined, // the connection went away: the next 'reconnect' confirms again
    );
  };

  const open = (conn: NatsConnection, entry: Subscription) => {
    const subject = subjectOf(entry);
    try {
      const sub = conn.subscribe(subject, {
        queue: entry.options.queue,
        callback: (error, msg) => {
          if (error) {
            status('error', 'WSF_NATS_SUBSCRIBE', `subscribing to '${subject}' on ${shown} failed: ${error.message}`);
            subs.settle(entry, { refused: error.message });
            return;
          }
          const payload = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
          for (const listener of entry.listeners) listener(msg.subject, payload);
        },
      });
      natsSubs.set(entry.topic, sub);
    } catch (error) {
      subs.settle(entry, { refused: error instanceof Error ? error.message : String(error) });
    }
  };

  const subs = new Subscriptions(
    (entry) => {
      // Not connected yet: the first connection subscribes everything wanted at that moment.
      if (!nc) return;
      open(nc, entry);
      if (health.up) confirmAll(nc);
    },
    (key) => {
      const sub = natsSubs.get(key);
      natsSubs.delete(key);
      if (sub && !sub.isClosed()) sub.unsubscribe();
    },
  );

  const watch = async (conn: NatsConnection) => {
    const { DebugEvents, Events } = await loadNats();
    for await (const s of conn.status()) {
      if (s.type === Events.Disconnect) {
        for (const entry of subs.byKey.values()) if (entry.state === 'confirmed') subs.settle(entry, 'lost');
        unavailable('connection lost');
      } else if (s.type === Events.Reconnect) {
        attempts = 0;
        health.connected();
        confirmAll(conn);
      } else if (s.type === DebugEvents.Reconnecting) {
        attempts++;
      }
    }
  };

  const start = async (): Promise<void> => {
    for (let failures = 0; !closing; failures++) {
      try {
        const { connect } = await loadNats();
        const conn = await connect({
          ...base,
          name: 'wsflow',
          maxReconnectAttempts: -1,
          reconnectTimeWait: RECONNECT.baseMs,
          // Called more than once while waiting for one attempt: the delay is drawn once per attempt.
          reconnectDelayHandler: () => {
            if (delay.attempt !== attempts) delay = { attempt: attempts, ms: backoffDelay(attempts + 1, RECONNECT) };
            return delay.ms;
          },
          timeout: 10_000,
        });
        if (closing) {
          await conn.close().catch(() => undefined);
          return;
        }
        nc = conn;
        health.connected();
        for (const entry of subs.byKey.values()) open(conn, entry);
        confirmAll(conn);
        // The status iterator ends with the connection; nothing it throws may reach the process.
        watch(conn).catch(() => undefined);
        const closed = await conn.closed();
        // Closed for good (not by us): nats.js stopped reconnecting, e.g. the server refused the credentials.
        nc = undefined;
        natsSubs.clear();
        for (const entry of subs.byKey.values()) subs.settle(entry, 'lost');
        if (closing) return;
        unavailable(closed ? closed.message : 'connection closed');
        failures = 0;
      } catch (error) {
        unavailable(error instanceof Error ? error.message : String(error));
      }
      // unref: a retry alone does not keep a stopping process alive.
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures + 1, RECONNECT)).unref());
    }
  };
  start().catch((error: unknown) => status('error', 'WSF_NATS_UNAVAILABLE', `the connection to ${shown} stopped: ${error instanceof Error ? error.message : String(error)}`));

  return {
    kind: 'nats',
    subscribe(topic: string, options: SubscribeOptions, listener: Listener) {
      const problem = natsSubjectProblem(topic, true);
      if (problem) throw new ConnectorError('WSF_NATS_SUBJECT', problem);
      const queue = options.queue ? options.queue : undefined;
      if (queue !== undefined && /\s/.test(queue)) throw new ConnectorError('WSF_NATS_SUBJECT', `a queue group has no whitespace (in '${queue}')`);
      const key = queue === undefined ? topic : `${topic}${QUEUE_KEY}${queue}${QUEUE_KEY}${members++}`;
      return subs.add(key, { queue }, listener);
    },
    async confirmed(topic: string, options: SubscribeOptions, ms: number) {
      const state = await subs.answered(topic, options, ms);
      const what = `the NATS server ${shown}`;
      return refusalOf(state, ['WSF_NATS_SUBSCRIBE', (why) => `${what} refused the subscription to '${topic}' (${why})`], ['WSF_NATS_SUBSCRIBE_TIMEOUT', `${what} did not confirm the subscription to '${topic}' within ${ms / 1000} s`]);
    },
    async publish(topic: string, payload: string | Uint8Array, _options: PublishOptions) {
      const problem = natsSubjectProblem(topic, false);
      if (problem) throw new ConnectorError('WSF_NATS_SUBJECT', `cannot publish on '${topic}': ${problem}`);
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
      return outbound.send(body.byteLength, () => {
        const conn = nc;
        if (!conn || !health.up) return Promise.reject(new ConnectorError('WSF_NATS_UNAVAILABLE', `the NATS server ${shown} is not connected`));
        try {
          conn.publish(topic, body);
        } catch (error) {
          return Promise.reject(new ConnectorError('WSF_NATS_PUBLISH', error instanceof Error ? error.message : String(error)));
        }
        return new Promise<void>((resolve, reject) => {
          const cut = () => reject(new ConnectorError('WSF_NATS_UNAVAILABLE', `the connection to the NATS server ${shown} was lost before it confirmed the publish (it may not be delivered)`));
          unflushed.add(cut);
          flushSoon(conn).then(
            () => (unflushed.delete(cut), resolve()),
            (error: unknown) => (unflushed.delete(cut), reject(new ConnectorError('WSF_NATS_PUBLISH', error instanceof Error ? error.message : String(error)))),
          );
        });
      });
    },
    async close() {
      closing = true;
      health.up = false;
      await nc?.close().catch(() => undefined);
    },
  };
}
