/**
 * samples/nats-bridge.wsflow.yaml against a real nats-server: a client at /subjects/{subject}
 * receives every message published on {subject} as text, and each text it sends is published on
 * {subject}. The server is killed and restarted while clients are connected: they keep their
 * sockets and messages flow again.
 */
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type TestNats } from '../helpers/nats-server.ts';
import type { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { freshConnectorService, type StartWithEnv } from './connector-target.ts';

/** A plain nats.js client on the test side, recording what it receives on `subject`. */
async function natsPeer(url: string, subject?: string): Promise<{ nc: NatsConnection; got: { subject: string; text: string }[] }> {
  const nc = await connect({ servers: url, reconnectTimeWait: 100, maxReconnectAttempts: -1, waitOnFirstConnect: true, timeout: 5000 });
  const got: { subject: string; text: string }[] = [];
  if (subject) {
    nc.subscribe(subject, { callback: (_e, msg) => got.push({ subject: msg.subject, text: Buffer.from(msg.data).toString('utf8') }) });
    await nc.flush();
  }
  return { nc, got };
}

/** Publishes until the WebSocket client receives it (after a server restart the bridge comes back with backoff). */
async function publishUntilReceived(nc: NatsConnection, subject: string, ws: TestClient, text: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    nc.publish(subject, text);
    try {
      if ((await ws.nextText(200)) === text) return;
    } catch {
      // not subscribed yet: try again
    }
  }
  throw new Error(`'${text}' on ${subject} never reached the WebSocket client`);
}

/** Sends `text` from the WebSocket client until the peer sees it: one send per poll, bounded by waitFor. */
function sendUntilPublished(ws: TestClient, peer: { got: { text: string }[] }, text: string, what: string): Promise<boolean> {
  return waitFor(what, () => {
    if (peer.got.some((m) => m.text === text)) return true;
    ws.send(text);
    return false;
  }, 20_000, 100);
}

export function natsBridgeChecks(start: StartWithEnv): void {
  describe('nats-bridge sample', () => {
    const service = freshConnectorService(start, 'nats-bridge');
    let server: TestNats;
    beforeAll(async () => {
      server = await startNatsServer();
    });
    afterAll(async () => {
      await server.stop();
    });

    it('delivers every message on {subject} to the clients of that subject, as text, in order', async () => {
      const { url } = await service.start({ NATS_URL: server.url });
      const peer = await natsPeer(server.url);
      try {
        const a = await service.pool.connect(`${url}/subjects/room.a`);
        const a2 = await service.pool.connect(`${url}/subjects/room.a`);
        const b = await service.pool.connect(`${url}/subjects/room.b`);
        // Held until subscribed: no retry needed.
        peer.nc.publish('room.a', 'warm-up a');
        expect(await a.nextText()).toBe('warm-up a');
        expect(await a2.nextText()).toBe('warm-up a');
        const lines = Array.from({ length: 50 }, (_, i) => `reading ${i}: ÿ€🙂`);
        for (const line of lines) peer.nc.publish('room.a', line);
        for (const line of lines) expect(await a.nextText()).toBe(line);
        for (const line of lines) expect(await a2.nextText()).toBe(line);
        peer.nc.publish('room.a', new Uint8Array([0x68, 0x69])); // bytes arrive as text
        expect(await a.nextText()).toBe('hi');
        await peer.nc.flush();
        expect(await b.drain(300)).toEqual([]);
      } finally {
        await peer.nc.close();
      }
    });

    it('lets a client in only once it is subscribed: a message published right after the open reaches it', async () => {
      const { url } = await service.start({ NATS_URL: server.url });
      const peer = await natsPeer(server.url);
      try {
        // The first client also starts the bridge's connection; no retry, no pause.
        for (const subject of ['at-once-1', 'at-once-2']) {
          const client = await service.pool.connect(`${url}/subjects/${subject}`);
          peer.nc.publish(subject, `right after the open of ${subject}`);
          expect(await client.nextText()).toBe(`right after the open of ${subject}`);
        }
      } finally {
        await peer.nc.close();
      }
    });

    it('publishes each text a client sends on its subject', async () => {
      const { url } = await service.start({ NATS_URL: server.url });
      const peer = await natsPeer(server.url, 'sensors');
      try {
        const client = await service.pool.connect(`${url}/subjects/sensors`);
        await sendUntilPublished(client, peer, 'ping', 'a first publish through the bridge');
        const lines = Array.from({ length: 30 }, (_, i) => `from ws ${i}`);
        for (const line of lines) client.send(line);
        await waitFor('all texts on the server', () => lines.every((l) => peer.got.some((m) => m.text === l)), 20_000);
        expect(peer.got.filter((m) => m.text.startsWith('from ws')).map((m) => m.text)).toEqual(lines);
        expect(peer.got.every((m) => m.subject === 'sensors')).toBe(true);
      } finally {
        await peer.nc.close();
      }
    });

    it('refuses a subject with a NATS wildcard or whitespace from the path (1008), keeps serving others', async () => {
      const { url } = await service.start({ NATS_URL: server.url });
      for (const bad of ['%3E', 'a.%2A', 'a%20b']) {
        const sneaky = await service.pool.connect(`${url}/subjects/${bad}`);
        expect((await sneaky.waitClosed(10_000)).code, bad).toBe(1008);
      }
      const fine = await service.pool.connect(`${url}/subjects/ok`);
      const peer = await natsPeer(server.url);
      try {
        await publishUntilReceived(peer.nc, 'ok', fine, 'still here');
      } finally {
        await peer.nc.close();
      }
    });

    it('survives the server being killed and restarted: clients keep their sockets, messages resume both ways', async () => {
      const { url } = await service.start({ NATS_URL: server.url });
      const client = await service.pool.connect(`${url}/subjects/plant`);
      let peer = await natsPeer(server.url);
      await publishUntilReceived(peer.nc, 'plant', client, 'before');
      await peer.nc.close();

      await server.kill();
      await server.restart();
      expect(client.socket.readyState).toBe(client.socket.OPEN);

      peer = await natsPeer(server.url, 'plant');
      try {
        // The bridge reconnects (with backoff) and nats.js subscribes again.
        await publishUntilReceived(peer.nc, 'plant', client, 'after restart');
        await sendUntilPublished(client, peer, 'up again', 'a text published through the bridge after the restart');
        expect(client.socket.readyState).toBe(client.socket.OPEN);
      } finally {
        await peer.nc.close();
      }
    }, 60_000);
  });
}
