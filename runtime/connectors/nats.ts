/**
 * NATS with nats.js: one connection per server URL for the flow instance. Once connected, nats.js
 * reconnects by itself (forever, with our backoff) and sends every subscription again; the first
 * connection is retried here, with the same backoff, since nats.js gives up on it. A subscription
 * counts as confirmed once a flush (PING/PONG) after its SUB has come back: the server handles a
 * connection's commands in order, so by then it has the subscription or has refused it (a
 * permission error reaches the subscription first). NATS core delivery is at most once, so nothing
 * is queued while the server is away: a publish then fails after a short grace.
 *
 * Credentials in the URL (`nats://user:pass@host`, `nats://token@host`) are handed to nats.js as
 * options (it does not read them from a URL) and never appear in a message.
 */
import type { ConnectionOptions, NatsConnection, Subscription as NatsSubscription } from 'nats';
import { natsSubjectProblem } from '../model/kinds/nats-in.ts';
import { redactUrl } from '../model/redact.ts';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { PUBLISH_WAIT_MS, refusalOf, Subscriptions, waitUntil } from './broker.ts';
import type { Broker, Listener, PublishOptions, StateListener, StatusListener, SubscribeOptions, Subscription } from './broker.ts';
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

export function natsBroker(url: string, status: StatusListener, state: StateListener = () => undefined): Broker {
  const shown = redactUrl(url);
  const base = natsConnectOptions(url);
  let nc: NatsConnection | undefined;
  let connected = false;
  let down = false;
  let closing = false;
  let members = 0;
  /** reconnect attempts since the last connection; one backoff delay per attempt */
  let attempts = 0;
  let delay = { attempt: -1, ms: 0 };
  const connectedWatchers = new Set<() => void>();
  /** the nats.js subscription of each entry, by the entry's key */
  const natsSubs = new Map<string, NatsSubscription>();

  /** once connected, a loss reads 'reconnecting' (the client retries), before that 'down' */
  let everUp = false;
  const setConnected = (up: boolean) => {
    connected = up;
    for (const w of [...connectedWatchers]) w();
  };
  const unavailable = (why: string) => {
    if (!down) status('error', 'WSF_NATS_UNAVAILABLE', `the NATS server ${shown} is not reachable (${why}); retrying with backoff`);
    state(connected || everUp ? 'reconnecting' : 'down', why, 'WSF_NATS_UNAVAILABLE');
    down = true;
  };
  const subjectOf = (entry: Subscription) => (entry.topic.includes(QUEUE_KEY) ? (entry.topic.split(QUEUE_KEY)[0] as string) : entry.topic);

  /** Marks the subscriptions the server has by now (its PONG came back after their SUBs). */
  const confirmAll = (conn: NatsConnection) => {
    conn.flush().then(
      () => {
        if (!connected || nc !== conn) return;
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
      if (connected) confirmAll(nc);
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
        setConnected(false);
        for (const entry of subs.byKey.values()) if (entry.state === 'confirmed') subs.settle(entry, 'lost');
        unavailable('connection lost');
      } else if (s.type === Events.Reconnect) {
        attempts = 0;
        setConnected(true);
        if (down) status('info', 'WSF_NATS_RECONNECTED', `connected to ${shown} again`);
        down = false;
        everUp = true;
        state('connected');
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
        setConnected(true);
        if (down) status('info', 'WSF_NATS_RECONNECTED', `connected to ${shown} again`);
        down = false;
        everUp = true;
        state('connected');
        for (const entry of subs.byKey.values()) open(conn, entry);
        confirmAll(conn);
        // The status iterator ends with the connection; nothing it throws may reach the process.
        watch(conn).catch(() => undefined);
        const closed = await conn.closed();
        // Closed for good (not by us): nats.js stopped reconnecting, e.g. the server refused the credentials.
        nc = undefined;
        natsSubs.clear();
        setConnected(false);
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
      // A server that is (re)connecting gets a short grace; then the publish fails (nothing queues without bound).
      const up = await waitUntil(() => connected, (l) => (connectedWatchers.add(l), () => connectedWatchers.delete(l)), PUBLISH_WAIT_MS);
      if (!up || !nc) throw new ConnectorError('WSF_NATS_UNAVAILABLE', `the NATS server ${shown} is not connected`);
      try {
        nc.publish(topic, typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
      } catch (error) {
        throw new ConnectorError('WSF_NATS_PUBLISH', error instanceof Error ? error.message : String(error));
      }
    },
    async close() {
      closing = true;
      setConnected(false);
      await nc?.close().catch(() => undefined);
    },
  };
}
