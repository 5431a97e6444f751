/**
 * samples/mqtt-bridge.wsflow.yaml against a real Mosquitto: a client at /topics/{topic} receives
 * every message published on {topic} as text, and each text it sends is published on {topic}.
 * The broker is killed and restarted while clients are connected: they keep their sockets and
 * messages flow again.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import type { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { freshConnectorService, type StartWithEnv } from './connector-target.ts';

/** A plain MQTT.js client on the test side, recording what it receives. */
async function mqttPeer(url: string): Promise<{ client: MqttClient; got: { topic: string; text: string }[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 100, connectTimeout: 5000 });
  const got: { topic: string; text: string }[] = [];
  client.on('message', (topic, payload) => got.push({ topic, text: payload.toString('utf8') }));
  return { client, got };
}

/** Publishes until the WebSocket client receives it (after a broker restart the bridge comes back with backoff). */
async function publishUntilReceived(peer: MqttClient, topic: string, ws: TestClient, text: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await peer.publishAsync(topic, text, { qos: 1 });
    try {
      const got = await ws.nextText(200);
      if (got === text) return;
    } catch {
      // not subscribed yet: try again
    }
  }
  throw new Error(`'${text}' on ${topic} never reached the WebSocket client`);
}

/**
 * Sends `text` from the WebSocket client until the broker peer sees it (the bridge's broker
 * connection comes up asynchronously): one send per poll, bounded by waitFor.
 */
function sendUntilPublished(ws: TestClient, peer: { got: { text: string }[] }, text: string, what: string): Promise<boolean> {
  return waitFor(what, () => {
    if (peer.got.some((m) => m.text === text)) return true;
    ws.send(text);
    return false;
  }, 20_000, 100);
}

export function mqttBridgeChecks(start: StartWithEnv): void {
  describe('mqtt-bridge sample', () => {
    const service = freshConnectorService(start, 'mqtt-bridge');
    let broker: TestMosquitto;
    beforeAll(async () => {
      broker = await startMosquitto();
    });
    afterAll(async () => {
      await broker.stop();
    });

    it('delivers every message on {topic} to the clients of that topic, as text, in order', async () => {
      const { url } = await service.start({ MQTT_URL: broker.url });
      const peer = await mqttPeer(broker.url);
      try {
        const a = await service.pool.connect(`${url}/topics/room-a`);
        const a2 = await service.pool.connect(`${url}/topics/room-a`);
        const b = await service.pool.connect(`${url}/topics/room-b`);
        await publishUntilReceived(peer.client, 'room-a', a, 'warm-up a');
        expect(await a2.nextText()).toBe('warm-up a');
        await publishUntilReceived(peer.client, 'room-b', b, 'warm-up b');
        const lines = Array.from({ length: 50 }, (_, i) => `reading ${i}: ÿ€🙂`);
        for (const line of lines) await peer.client.publishAsync('room-a', line, { qos: 1 });
        for (const line of lines) expect(await a.nextText()).toBe(line);
        for (const line of lines) expect(await a2.nextText()).toBe(line);
        await peer.client.publishAsync('room-a', Buffer.from([0x68, 0x69]), { qos: 1 }); // bytes arrive as text
        expect(await a.nextText()).toBe('hi');
        expect(await b.drain(300)).toEqual([]);
      } finally {
        await peer.client.endAsync();
      }
    });

    it('lets a client in only once it is subscribed: a message published right after the open reaches it', async () => {
      const { url } = await service.start({ MQTT_URL: broker.url });
      const peer = await mqttPeer(broker.url);
      try {
        // The first client also starts the bridge's broker connection; no retry, no pause.
        for (const topic of ['at-once-1', 'at-once-2']) {
          const client = await service.pool.connect(`${url}/topics/${topic}`);
          await peer.client.publishAsync(topic, `right after the open of ${topic}`, { qos: 1 });
          expect(await client.nextText()).toBe(`right after the open of ${topic}`);
        }
      } finally {
        await peer.client.endAsync();
      }
    });

    it('publishes each text a client sends on its topic', async () => {
      const { url } = await service.start({ MQTT_URL: broker.url });
      const peer = await mqttPeer(broker.url);
      try {
        await peer.client.subscribeAsync('sensors', { qos: 1 });
        const client = await service.pool.connect(`${url}/topics/sensors`);
        // The bridge's broker connection may still be starting: send until the peer sees one.
        await sendUntilPublished(client, peer, 'ping', 'a first publish through the bridge');
        const lines = Array.from({ length: 30 }, (_, i) => `from ws ${i}`);
        for (const line of lines) client.send(line);
        await waitFor('all texts on the broker', () => lines.every((l) => peer.got.some((m) => m.text === l)), 20_000);
        const seen = peer.got.filter((m) => m.text.startsWith('from ws')).map((m) => m.text);
        expect(seen).toEqual(lines);
        expect(peer.got.every((m) => m.topic === 'sensors')).toBe(true);
      } finally {
        await peer.client.endAsync();
      }
    });

    it('refuses a topic with an MQTT wildcard from the path (1008), keeps serving others', async () => {
      const { url } = await service.start({ MQTT_URL: broker.url });
      const sneaky = await service.pool.connect(`${url}/topics/%23`);
      expect((await sneaky.waitClosed(10_000)).code).toBe(1008);
      const fine = await service.pool.connect(`${url}/topics/ok`);
      const peer = await mqttPeer(broker.url);
      try {
        await publishUntilReceived(peer.client, 'ok', fine, 'still here');
      } finally {
        await peer.client.endAsync();
      }
    });

    it('survives the broker being killed and restarted: clients keep their sockets, messages resume both ways', async () => {
      const { url } = await service.start({ MQTT_URL: broker.url });
      const client = await service.pool.connect(`${url}/topics/plant`);
      let peer = await mqttPeer(broker.url);
      await publishUntilReceived(peer.client, 'plant', client, 'before');
      await peer.client.endAsync(true);

      await broker.kill();
      await broker.restart();
      // The client was never closed.
      expect(client.socket.readyState).toBe(client.socket.OPEN);

      peer = await mqttPeer(broker.url);
      try {
        // The bridge reconnects (with backoff) and subscribes again by itself.
        await publishUntilReceived(peer.client, 'plant', client, 'after restart');
        await peer.client.subscribeAsync('plant', { qos: 1 });
        await sendUntilPublished(client, peer, 'up again', 'a text published through the bridge after the restart');
        expect(client.socket.readyState).toBe(client.socket.OPEN);
      } finally {
        await peer.client.endAsync();
      }
    }, 60_000);
  });
}
