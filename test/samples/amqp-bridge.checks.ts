/**
 * samples/amqp-bridge.wsflow.yaml against a real RabbitMQ: a client at /keys/{key} receives every
 * message published to the topic exchange `events` with routing key {key} as text, and each text
 * it sends is published to `events` with routing key {key}. The broker is killed and restarted
 * while clients are connected: they keep their sockets and messages flow again.
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRabbitMq, type TestRabbit } from '../helpers/rabbitmq.ts';
import type { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { freshConnectorService, type StartWithEnv } from './connector-target.ts';

const EXCHANGE = 'events';

interface Peer {
  conn: ChannelModel;
  ch: ConfirmChannel;
  got: { key: string; text: string }[];
  publish(key: string, body: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

/** A plain amqplib client on the test side; with `bindKey`, it records what is routed to it. */
async function amqpPeer(url: string, bindKey?: string): Promise<Peer> {
  const conn = await connect(url);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(EXCHANGE, 'topic', { durable: true });
  const got: { key: string; text: string }[] = [];
  if (bindKey) {
    const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, EXCHANGE, bindKey);
    await ch.consume(queue, (msg) => msg && got.push({ key: msg.fields.routingKey, text: msg.content.toString('utf8') }), { noAck: true });
  }
  return {
    conn,
    ch,
    got,
    publish: (key, body) =>
      new Promise<void>((resolve, reject) => {
        ch.publish(EXCHANGE, key, typeof body === 'string' ? Buffer.from(body) : body, {}, (error: unknown) => (error ? reject(new Error('not confirmed')) : resolve()));
      }),
    close: () => conn.close().catch(() => undefined),
  };
}

/** Publishes until the WebSocket client receives it (after a broker restart the bridge comes back with backoff). */
async function publishUntilReceived(peer: Peer, key: string, ws: TestClient, text: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await peer.publish(key, text);
    try {
      if ((await ws.nextText(200)) === text) return;
    } catch {
      // not bound yet: try again
    }
  }
  throw new Error(`'${text}' with ${key} never reached the WebSocket client`);
}

/** Sends `text` from the WebSocket client until the peer sees it: one send per poll, bounded by waitFor. */
function sendUntilPublished(ws: TestClient, peer: { got: { text: string }[] }, text: string, what: string): Promise<boolean> {
  return waitFor(what, () => {
    if (peer.got.some((m) => m.text === text)) return true;
    ws.send(text);
    return false;
  }, 30_000, 100);
}

export function amqpBridgeChecks(start: StartWithEnv): void {
  describe('amqp-bridge sample', () => {
    const service = freshConnectorService(start, 'amqp-bridge');
    let broker: TestRabbit;
    beforeAll(async () => {
      broker = await startRabbitMq();
      console.log(`rabbitmq started in ${broker.startedInMs} ms`);
    }, 90_000);
    afterAll(async () => {
      await broker.stop();
    }, 30_000);

    it('delivers every message with {key} to the clients of that key, as text, in order', async () => {
      const { url } = await service.start({ AMQP_URL: broker.url });
      const peer = await amqpPeer(broker.url);
      try {
        const a = await service.pool.connect(`${url}/keys/room.a`);
        const a2 = await service.pool.connect(`${url}/keys/room.a`);
        const b = await service.pool.connect(`${url}/keys/room.b`);
        // Held until bound: no retry needed.
        await peer.publish('room.a', 'warm-up a');
        expect(await a.nextText()).toBe('warm-up a');
        expect(await a2.nextText()).toBe('warm-up a');
        const lines = Array.from({ length: 50 }, (_, i) => `reading ${i}: ÿ€🙂`);
        for (const line of lines) await peer.publish('room.a', line);
        for (const line of lines) expect(await a.nextText()).toBe(line);
        for (const line of lines) expect(await a2.nextText()).toBe(line);
        await peer.publish('room.a', Buffer.from([0x68, 0x69])); // bytes arrive as text
        expect(await a.nextText()).toBe('hi');
        expect(await b.drain(300)).toEqual([]);
      } finally {
        await peer.close();
      }
    });

    it('lets a client in only once its queue is bound: a message published right after the open reaches it', async () => {
      const { url } = await service.start({ AMQP_URL: broker.url });
      const peer = await amqpPeer(broker.url);
      try {
        for (const key of ['at-once-1', 'at-once-2']) {
          const client = await service.pool.connect(`${url}/keys/${key}`);
          await peer.publish(key, `right after the open of ${key}`);
          expect(await client.nextText()).toBe(`right after the open of ${key}`);
        }
      } finally {
        await peer.close();
      }
    });

    it('publishes each text a client sends with its key', async () => {
      const { url } = await service.start({ AMQP_URL: broker.url });
      const peer = await amqpPeer(broker.url, 'sensors');
      try {
        const client = await service.pool.connect(`${url}/keys/sensors`);
        await sendUntilPublished(client, peer, 'ping', 'a first publish through the bridge');
        const lines = Array.from({ length: 30 }, (_, i) => `from ws ${i}`);
        for (const line of lines) client.send(line);
        await waitFor('all texts on the broker', () => lines.every((l) => peer.got.some((m) => m.text === l)), 20_000);
        expect(peer.got.filter((m) => m.text.startsWith('from ws')).map((m) => m.text)).toEqual(lines);
        expect(peer.got.every((m) => m.key === 'sensors')).toBe(true);
      } finally {
        await peer.close();
      }
    });

    it('refuses a key with an AMQP wildcard from the path (1008), keeps serving others', async () => {
      const { url } = await service.start({ AMQP_URL: broker.url });
      for (const bad of ['%23', 'a.%2A']) {
        const sneaky = await service.pool.connect(`${url}/keys/${bad}`);
        expect((await sneaky.waitClosed(10_000)).code, bad).toBe(1008);
      }
      const fine = await service.pool.connect(`${url}/keys/ok`);
      const peer = await amqpPeer(broker.url);
      try {
        await publishUntilReceived(peer, 'ok', fine, 'still here');
      } finally {
        await peer.close();
      }
    });

    it('survives the broker being killed and restarted: clients keep their sockets, messages resume both ways', async () => {
      const { url } = await service.start({ AMQP_URL: broker.url });
      const client = await service.pool.connect(`${url}/keys/plant`);
      let peer = await amqpPeer(broker.url);
      await publishUntilReceived(peer, 'plant', client, 'before');
      await peer.close();

      await broker.kill();
      await broker.restart();
      expect(client.socket.readyState).toBe(client.socket.OPEN);

      peer = await amqpPeer(broker.url, 'plant');
      try {
        // The bridge reconnects (with backoff) and declares and binds its queue again.
        await publishUntilReceived(peer, 'plant', client, 'after restart');
        await sendUntilPublished(client, peer, 'up again', 'a text published through the bridge after the restart');
        expect(client.socket.readyState).toBe(client.socket.OPEN);
      } finally {
        await peer.close();
      }
    }, 90_000);
  });
}
