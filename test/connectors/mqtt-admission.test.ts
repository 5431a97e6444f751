/**
 * A client of a service with an mqttIn binding is subscribed on the broker by the time its upgrade
 * completes: the 101 waits for the broker's SUBACK. Against a real Mosquitto (a publish right after
 * the open reaches the client, also when the client's upgrade starts the bridge's broker
 * connection) and a real TCP listener that never answers MQTT (the client is refused with 503 and
 * the reason, and a service without bindings in the same flow is not held).
 */
import { createServer, type Server, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBE_WAIT_MS } from '../../runtime/connectors/broker.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { useServedFlows, type ServedFlow } from '../helpers/served-flows.ts';

const { serve, pool } = useServedFlows();

/** Topics bridged from `url`, plus an echo service with no binding at /plain. */
function serveBridge(url: string): Promise<ServedFlow> {
  return serve(`wsflow: 1
name: mqtt-admission
listener: { port: 9999 }
nodes:
  - { id: topics, type: upgrader, basePath: /topics, upgradePath: '/{topic}' }
  - id: vetted
    type: upgrader
    basePath: /vetted
    upgradePath: '/{topic}'
    code: |
      export default function upgrade(req: UpgradeRequest): UpgradeDecision {
        return { accept: req.params.topic !== 'denied' };
      }
  - { id: bridge, type: service }
  - { id: in, type: mqttIn, url: '${url}', topic: 'admission/\${conn.params.topic}', qos: 1 }
  - { id: plain-up, type: upgrader, basePath: /plain }
  - { id: plain, type: service }
  - { id: echo, type: reply, message: 'echo' }
  - { id: on-text, type: onText }
edges:
  - { from: topics, to: bridge }
  - { from: vetted, to: bridge }
  - { from: bridge, to: in }
  - { from: plain-up, to: plain }
  - { from: plain, to: on-text }
  - { from: on-text, to: echo }
`);
}

describe('a bridged client is subscribed before its upgrade completes', () => {
  let broker: TestMosquitto;
  let peer: MqttClient;
  beforeAll(async () => {
    broker = await startMosquitto();
    peer = await mqtt.connectAsync(broker.url, { connectTimeout: 5000 });
  });
  afterAll(async () => {
    await peer?.endAsync();
    await broker?.stop();
  });

  it('a message published right after the open reaches the client: first client (broker connection starting), new topics, a shared topic, through an upgrade snippet', async () => {
    const { flow } = await serveBridge(broker.url);
    // No retry and no pause anywhere: each publish follows the client's open at once.
    for (const path of ['topics/first', 'topics/second', 'topics/first', 'vetted/third', 'vetted/first']) {
      const topic = path.split('/')[1] ?? '';
      const client = await pool.connect(`${flow.url}/${path}`);
      await peer.publishAsync(`admission/${topic}`, `right after ${path}`, { qos: 1 });
      expect(await client.nextText()).toBe(`right after ${path}`);
    }
  });

  it('a client the upgrade snippet refuses after its subscription was confirmed leaves the topic working for the next client', async () => {
    const { flow } = await serveBridge(broker.url);
    expect((await TestClient.rejection(`${flow.url}/vetted/denied`)).status).toBe(403);
    const next = await pool.connect(`${flow.url}/topics/denied`);
    await peer.publishAsync('admission/denied', 'after the refusal', { qos: 1 });
    expect(await next.nextText()).toBe('after the refusal');
  });

  it('a topic all of whose clients left is subscribed and confirmed again for the next client', async () => {
    const { flow } = await serveBridge(broker.url);
    const a = await pool.connect(`${flow.url}/topics/gone`);
    await a.close();
    const b = await pool.connect(`${flow.url}/topics/gone`);
    await peer.publishAsync('admission/gone', 'for b', { qos: 1 });
    expect(await b.nextText()).toBe('for b');
    await b.close();
    // With every client gone the bridge unsubscribes: a new client's subscription is a new SUBSCRIBE, confirmed again.
    const c = await pool.connect(`${flow.url}/topics/gone`);
    await peer.publishAsync('admission/gone', 'for c', { qos: 1 });
    expect(await c.nextText()).toBe('for c');
  });
});

describe('a broker that never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let url = '';
  beforeAll(async () => {
    // Accepts the TCP connection and never says a word: no CONNACK, so no SUBACK either.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('refuses the client with 503 and the reason once the wait is over; a service without bindings is not held', async () => {
    const { flow, events } = await serveBridge(url);
    const [rejection] = await Promise.all([
      TestClient.rejection(`${flow.url}/topics/t`, { handshakeMs: SUBSCRIBE_WAIT_MS + 15_000 }),
      // Meanwhile the service with no binding lets clients in as always.
      (async () => {
        const plain = await pool.connect(`${flow.url}/plain`);
        plain.send('hi');
        expect(await plain.nextText()).toBe('echo');
      })(),
    ]);
    expect(rejection.status).toBe(503);
    expect(rejection.body).toBe(`the MQTT broker ${url} did not confirm the subscription to 'admission/t' within ${SUBSCRIBE_WAIT_MS / 1000} s (WSF_MQTT_SUBSCRIBE_TIMEOUT)\n`);
    const note = await waitFor('the refusal noted on the mqttIn node', () => events.find((e) => e.kind === 'engine' && e.code === 'WSF_MQTT_SUBSCRIBE_TIMEOUT'));
    expect(note).toMatchObject({ nodeId: 'in', level: 'warn' });
  }, 60_000);
});
