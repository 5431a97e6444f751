/**
 * AMQP 0-9-1 (RabbitMQ) with amqplib: one connection per URL for the flow instance, reconnected
 * here with backoff (amqplib does not reconnect). On it:
 * - per (exchange, binding key) one exclusive, auto-delete, server-named queue bound to the topic
 *   exchange, consumed without acks, its messages fanned out to every listener (a thousand clients
 *   on one key cost one queue); the queue dies with the connection, so every reconnect declares
 *   and binds it again, and a subscription is confirmed once its queue is bound and consumed;
 * - one confirm channel for publishing: a publish resolves once the broker has taken the message
 *   (publisher confirm), and fails after a short grace when the broker is away. Publishes go
 *   through the connection's bounded Outbound (broker.ts): unconfirmed ones stay within it, past
 *   it a publish fails at once.
 * Each exchange is declared (topic, durable) before its first use on a connection. Declarations
 * run on a throw-away channel, since a refused one (an existing exchange of another type)
 * closes its channel.
 */
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { exchangeProblem } from '../model/kinds/amqp-in.ts';
import { redactUrl } from '../model/redact.ts';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { BrokerHealth, Outbound, Subscriptions, refusalOf } from './broker.ts';
import type { Broker, Listener, OutboundLimits, PublishOptions, StateListener, StatusListener, SubscribeOptions, Subscription } from './broker.ts';
import { ConnectorError } from './errors.ts';

/** amqplib is loaded by the first AMQP node that connects: a flow without one does not carry it (see nats.ts). */
let amqpModule: Promise<typeof import('amqplib')> | undefined;
const loadAmqp = () => (amqpModule ??= import('amqplib'));

/** What one live connection holds. */
interface Live {
  conn: ChannelModel;
  consume: Channel;
  publish: ConfirmChannel;
  /** exchanges declared on this connection */
  exchanges: Map<string, Promise<void>>;
  /** each entry's queue and consumer, by the entry's key */
  queues: Map<string, { queue: string; consumerTag?: string }>;
}

const SEP = '\u0000';
const keyOf = (exchange: string, routingKey: string) => `${exchange}${SEP}${routingKey}`;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** An AMQP routing key is at most 255 bytes. */
function routingKeyProblem(key: string): string | undefined {
  return Buffer.byteLength(key) > 255 ? `a routing key is at most 255 bytes (${Buffer.byteLength(key)} given)` : undefined;
}

export function amqpBroker(url: string, status: StatusListener, state: StateListener, limits: OutboundLimits): Broker {
  const shown = redactUrl(url);
  /** the live connection; health.up while there is one */
  let live: Live | undefined;
  let closing = false;
  const health = new BrokerHealth({ unavailable: 'WSF_AMQP_UNAVAILABLE', reconnected: 'WSF_AMQP_RECONNECTED' }, `the AMQP broker ${shown}`, shown, status, state);
  const outbound = new Outbound(limits, `the AMQP broker ${shown}`, health);

  /** Declares the exchange once per connection, on a throw-away channel. */
  const declare = (l: Live, exchange: string): Promise<void> => {
    let done = l.exchanges.get(exchange);
    if (!done) {
      done = (async () => {
        const ch = await l.conn.createChannel();
        ch.on('error', () => undefined); // a refusal closes this channel only; the promise reports it
        await ch.assertExchange(exchange, 'topic', { durable: true });
        await ch.close().catch(() => undefined);
      })();
      // A refused declaration is tried again on the next use.
      done.catch(() => l.exchanges.delete(exchange));
      l.exchanges.set(exchange, done);
    }
    return done;
  };

  const open = async (l: Live, entry: Subscription) => {
    const at = entry.topic.indexOf(SEP);
    const exchange = entry.topic.slice(0, at);
    const routingKey = entry.topic.slice(at + 1);
    try {
      await declare(l, exchange);
      const q = await l.consume.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      const record: { queue: string; consumerTag?: string } = { queue: q.queue };
      l.queues.set(entry.topic, record);
      await l.consume.bindQueue(q.queue, exchange, routingKey);
      const { consumerTag } = await l.consume.consume(
        q.queue,
        (msg) => {
          if (!msg) return; // the broker cancelled the consumer (queue deleted): the next reconnect binds again
          for (const listener of entry.listeners) listener(msg.fields.routingKey, msg.content);
        },
        { noAck: true, exclusive: true },
      );
      record.consumerTag = consumerTag;
      if (live !== l) return;
      // Given up while it was being set up (an entry in use always has a listener): drop its queue now.
      if (entry.listeners.size === 0) return drop(l, entry.topic, record);
      subs.settle(entry, 'confirmed');
    } catch (error) {
      if (live !== l) return; // the connection went away: the next one sets it up again
      status('error', 'WSF_AMQP_SUBSCRIBE', `binding a queue to '${exchange}' with '${routingKey}' on ${shown} failed: ${messageOf(error)}`);
      subs.settle(entry, { refused: messageOf(error) });
    }
  };

  /** Deletes the queue of `key` (or the given one: a newer entry of the same key may own the map's). */
  const drop = (l: Live, key: string, record = l.queues.get(key)) => {
    if (l.queues.get(key) === record) l.queues.delete(key);
    if (!record) return;
    // Deleting the queue also cancels its consumer; the broker would delete it with the connection anyway.
    void l.consume.deleteQueue(record.queue).catch(() => undefined);
  };

  const subs = new Subscriptions(
    (entry) => {
      if (live) void open(live, entry);
    },
    (key) => {
      if (live) drop(live, key);
    },
  );

  const start = async (): Promise<void> => {
    for (let failures = 0; !closing; failures++) {
      let conn: ChannelModel | undefined;
      try {
        const { connect } = await loadAmqp();
        conn = await connect(url);
        const lost = new Promise<string>((resolve) => {
          conn?.on('error', (error: Error) => resolve(error.message));
          conn?.on('close', (error?: Error) => resolve(error ? error.message : 'connection closed'));
        });
        const consume = await conn.createChannel();
        const publish = await conn.createConfirmChannel();
        // A channel error (a publish to a deleted exchange) closes the channel; start over on a fresh connection.
        for (const ch of [consume, publish]) {
          ch.on('error', () => undefined);
          ch.on('close', () => void conn?.close().catch(() => undefined));
        }
        if (closing) {
          await conn.close().catch(() => undefined);
          return;
        }
        const l: Live = { conn, consume, publish, exchanges: new Map(), queues: new Map() };
        failures = 0;
        live = l;
        health.connected();
        for (const entry of subs.byKey.values()) void open(l, entry);
        const why = await lost;
        live = undefined;
        for (const entry of subs.byKey.values()) if (entry.state === 'confirmed' || entry.state === 'sent') subs.settle(entry, 'lost');
        if (closing) return;
        health.lost(why);
      } catch (error) {
        await conn?.close().catch(() => undefined);
        health.lost(messageOf(error));
      }
      // unref: a retry alone does not keep a stopping process alive.
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures + 1, RECONNECT)).unref());
    }
  };
  start().catch((error: unknown) => status('error', 'WSF_AMQP_UNAVAILABLE', `the connection to ${shown} stopped: ${messageOf(error)}`));

  return {
    kind: 'amqp',
    subscribe(topic: string, options: SubscribeOptions, listener: Listener) {
      const exchange = options.exchange ?? '';
      const problem = exchangeProblem(exchange) ?? routingKeyProblem(topic);
      if (problem) throw new ConnectorError('WSF_AMQP_ROUTING', problem);
      return subs.add(keyOf(exchange, topic), { exchange }, listener);
    },
    async confirmed(topic: string, options: SubscribeOptions, ms: number) {
      const exchange = options.exchange ?? '';
      const state = await subs.answered(keyOf(exchange, topic), {}, ms);
      const what = `the AMQP broker ${shown}`;
      return refusalOf(state, ['WSF_AMQP_SUBSCRIBE', (why) => `${what} refused to bind a queue to '${exchange}' with '${topic}' (${why})`], ['WSF_AMQP_SUBSCRIBE_TIMEOUT', `${what} did not bind a queue to '${exchange}' with '${topic}' within ${ms / 1000} s`]);
    },
    async publish(topic: string, payload: string | Uint8Array, options: PublishOptions) {
      const exchange = options.exchange ?? '';
      const problem = exchangeProblem(exchange) ?? routingKeyProblem(topic) ?? (/[*#]/.test(topic) ? `cannot publish with '${topic}': a routing key has no wildcards` : undefined);
      if (problem) throw new ConnectorError('WSF_AMQP_ROUTING', problem);
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return outbound.send(body.byteLength, async () => {
        const l = live;
        if (!l) throw new ConnectorError('WSF_AMQP_UNAVAILABLE', `the AMQP broker ${shown} is not connected`);
        try {
          await declare(l, exchange);
          await new Promise<void>((resolve, reject) => {
            l.publish.publish(exchange, topic, body, { contentType: typeof payload === 'string' ? 'text/plain' : 'application/octet-stream' }, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error('not confirmed by the broker')) : resolve()));
          });
        } catch (error) {
          throw new ConnectorError('WSF_AMQP_PUBLISH', `publishing to '${exchange}' with '${topic}' failed: ${messageOf(error)}`);
        }
      });
    },
    async close() {
      closing = true;
      const l = live;
      live = undefined;
      health.up = false;
      await l?.conn.close().catch(() => undefined);
    },
  };
}
