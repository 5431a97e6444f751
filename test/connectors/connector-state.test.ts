/**
 * A connector node's live state, as the designer's card gets it: `connector` trace events from
 * the hub. The sample MQTT bridge runs on the engine against a real Mosquitto; the broker is
 * crashed (SIGKILL) and started again on the same port, and the mqttIn/mqttOut nodes say so
 * within seconds, with counts of what went each way sent in batches, not once per message.
 * Redis and a WebSocket backend report the same way. The studio's test client waits for the engine's own answer to a held upgrade (503 and why).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBE_WAIT_MS } from '../../runtime/connectors/broker.ts';
import { COUNTS_FLUSH_MS, LiveStates } from '../../runtime/connectors/live-state.ts';
import type { ConnectorStateEvent, TraceEvent } from '../../runtime/engine/contracts.ts';
import type { ClientEntry, StudioEvent } from '../../runtime/studio/protocol.ts';
import { CLIENT_HANDSHAKE_MS, TestClients } from '../../runtime/studio/test-clients.ts';
import { startRedis, type TestRedis } from '../cluster/redis-server.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { useServedFlows } from '../helpers/served-flows.ts';
import { waitFor } from '../helpers/wait.ts';

const { serve, pool } = useServedFlows();
/** The sample reads its broker from MQTT_URL; connectors read process.env (EngineOptions.env covers auth fields only). */
function serveSample(url: string) {
  process.env.MQTT_URL = url;
  return serve(SAMPLE);
}
const SAMPLE = readFileSync(new URL('../../samples/mqtt-bridge.wsflow.yaml', import.meta.url), 'utf8');
const NODES = ['from-mqtt', 'to-mqtt'];
const mqttUrlBefore = process.env.MQTT_URL;
afterEach(() => {
  if (mqttUrlBefore === undefined) delete process.env.MQTT_URL;
  else process.env.MQTT_URL = mqttUrlBefore;
});

const statesOf = (events: TraceEvent[], nodeId: string): ConnectorStateEvent[] => events.filter((e): e is ConnectorStateEvent => e.kind === 'connector' && e.nodeId === nodeId);
const lastOf = (events: TraceEvent[], nodeId: string): ConnectorStateEvent | undefined => statesOf(events, nodeId).at(-1);

describe('the MQTT bridge sample: connector state through a broker crash', () => {
  let broker: TestMosquitto;
  let peer: MqttClient | undefined;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await peer?.endAsync(true);
    await broker?.stop();
  });

  it('says connected with counts, down or reconnecting within 5 s of a SIGKILL, connected within 10 s of the restart', async () => {
    const { flow, events } = await serveSample(broker.url);
    // The bridge's broker connection starts with the first client (its upgrade waits for the SUBACK).
    const client = await pool.connect(`${flow.url}/topics/live`);
    for (const id of NODES) await waitFor(`${id} connected`, () => lastOf(events, id)?.state === 'connected', 5000);

    peer = await mqtt.connectAsync(broker.url, { connectTimeout: 5000, reconnectPeriod: 0 });
    const got: string[] = [];
    peer.on('message', (_t, payload) => got.push(payload.toString()));
    await peer.subscribeAsync('live', { qos: 1 });
    const burst = 50;
    const firstEvent = events.length;
    const t0 = Date.now();
    for (let i = 0; i < burst; i++) await peer.publishAsync('live', `m${i}`, { qos: 1 });
    client.send('from the client');
    await waitFor('the client text published', () => got.includes('from the client'));
    // The client hears the burst and its own text (it is subscribed to the topic it publishes on).
    const counted = await waitFor('the counts', () => {
      const inbound = lastOf(events, 'from-mqtt');
      const outbound = lastOf(events, 'to-mqtt');
      return inbound && outbound && inbound.messagesIn >= burst + 1 && outbound.messagesOut >= 1 ? { inbound, outbound } : undefined;
    });
    expect(counted.inbound).toMatchObject({ state: 'connected', messagesIn: burst + 1, messagesOut: 0 });
    expect(counted.outbound).toMatchObject({ state: 'connected', messagesIn: 0, messagesOut: 1 });
    // Batched: a few count reports over the burst, not one per message.
    const reports = statesOf(events.slice(firstEvent), 'from-mqtt').length;
    expect(reports).toBeLessThanOrEqual(Math.ceil((Date.now() - t0) / COUNTS_FLUSH_MS) + 1);
    await peer.endAsync(true);
    peer = undefined;

    const killed = Date.now();
    await broker.kill();
    for (const id of NODES) {
      const lost = await waitFor(`${id} down or reconnecting`, () => statesOf(events, id).find((e) => e.t >= killed && (e.state === 'down' || e.state === 'reconnecting')), 5000);
      expect(lost.reason).toBeTruthy();
    }
    // The outage is also the error the designer badges the node with.
    const outage = events.find((e) => e.kind === 'engine' && e.code === 'WSF_MQTT_UNAVAILABLE');
    expect(outage).toMatchObject({ level: 'error' });

    const restarted = Date.now();
    await broker.restart();
    for (const id of NODES) {
      const back = await waitFor(`${id} connected again`, () => statesOf(events, id).find((e) => e.t >= restarted && e.state === 'connected'), 10_000);
      // The recovery names the outage it ends, so the designer can clear that error.
      expect(back.recovered).toEqual(['WSF_MQTT_UNAVAILABLE']);
      expect(back.reason).toBeUndefined();
    }
    // The bridge works again: a publish reaches the client.
    const again = await mqtt.connectAsync(broker.url, { connectTimeout: 5000, reconnectPeriod: 0 });
    try {
      await again.publishAsync('live', 'after the restart', { qos: 1 });
      let text = '';
      while (text !== 'after the restart') text = await client.nextText();
    } finally {
      await again.endAsync(true);
    }
  }, 60_000);
});

describe('redisIn/redisOut through a Redis crash', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    delete process.env.WSF_TEST_REDIS;
    await redis?.stop();
  });

  it('connected, then down or reconnecting within 5 s of a SIGKILL, then connected within 10 s of the restart', async () => {
    process.env.WSF_TEST_REDIS = redis.url;
    const { flow, events } = await serve(`wsflow: 1
name: redis-state
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /rooms, upgradePath: '/{room}' }
  - { id: svc, type: service }
  - { id: in, type: redisIn, url: '\${env.WSF_TEST_REDIS}', channel: 'room:\${conn.params.room}' }
  - { id: out, type: redisOut, url: '\${env.WSF_TEST_REDIS}', channel: 'room:\${conn.params.room}' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: in }
  - { from: svc, to: out }
`);
    await pool.connect(`${flow.url}/rooms/a`);
    for (const id of ['in', 'out']) await waitFor(`${id} connected`, () => lastOf(events, id)?.state === 'connected', 5000);
    const killed = Date.now();
    await redis.kill();
    for (const id of ['in', 'out']) await waitFor(`${id} down or reconnecting`, () => statesOf(events, id).find((e) => e.t >= killed && e.state !== 'connected'), 5000);
    const restarted = Date.now();
    await redis.restart();
    for (const id of ['in', 'out']) {
      const back = await waitFor(`${id} connected again`, () => statesOf(events, id).find((e) => e.t >= restarted && e.state === 'connected'), 10_000);
      expect(back.recovered).toEqual(['WSF_REDIS_UNAVAILABLE']);
    }
  }, 60_000);
});

describe('wsBackend', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('down with why when a handshake fails, connected (ending that error) when the next succeeds; frames counted both ways', async () => {
    const { flow, events } = await serve(`wsflow: 1
name: proxy-state
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /proxy }
  - { id: svc, type: service }
  - { id: backend, type: wsBackend, url: '${backend.url}' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: backend }
`);
    backend.refuseWith = 503;
    const refused = await pool.connect(`${flow.url}/proxy`);
    await refused.waitClosed();
    const down = await waitFor('the backend down', () => statesOf(events, 'backend').find((e) => e.state === 'down'));
    expect(down.reason).toBe('the backend answered the handshake with HTTP 503');
    backend.refuseWith = 0;
    const client = await pool.connect(`${flow.url}/proxy`);
    client.send('ping');
    expect(await client.nextText()).toBe('ping');
    const back = await waitFor('the backend connected', () => statesOf(events, 'backend').find((e) => e.state === 'connected'));
    expect(back.recovered).toEqual(['WSF_WS_BACKEND_UNAVAILABLE']);
    await waitFor('one frame each way', () => {
      const last = lastOf(events, 'backend');
      return last?.messagesIn === 1 && last.messagesOut === 1;
    });
  });
});

describe('live states', () => {
  it('reports a state once per change, counts only when they moved, and the outage codes a recovery ends', () => {
    const seen: ConnectorStateEvent[] = [];
    const live = new LiveStates((e) => seen.push(e));
    const counts = live.counts('n');
    live.set('n', 'connected');
    live.set('n', 'connected');
    counts.in += 3;
    live.flush();
    live.flush();
    live.set('n', 'reconnecting', 'connection lost', 'WSF_MQTT_UNAVAILABLE');
    live.set('n', 'down', 'connect ECONNREFUSED', 'WSF_MQTT_UNAVAILABLE');
    live.set('n', 'down', 'connect ECONNREFUSED', 'WSF_MQTT_UNAVAILABLE');
    live.set('n', 'connected');
    live.close();
    expect(seen.map(({ state, reason, messagesIn, recovered }) => ({ state, reason, messagesIn, recovered }))).toEqual([
      { state: 'connected', reason: undefined, messagesIn: 0, recovered: undefined },
      { state: 'connected', reason: undefined, messagesIn: 3, recovered: undefined },
      { state: 'reconnecting', reason: 'connection lost', messagesIn: 3, recovered: undefined },
      { state: 'down', reason: 'connect ECONNREFUSED', messagesIn: 3, recovered: undefined },
      { state: 'connected', reason: undefined, messagesIn: 3, recovered: ['WSF_MQTT_UNAVAILABLE'] },
    ]);
  });
});

describe("the studio's test client and a held upgrade", () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let url = '';
  beforeAll(async () => {
    // Accepts TCP and never answers MQTT: the bridge's subscription is never confirmed.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('waits past the engine’s subscription wait and shows its 503 with the reason', async () => {
    expect(CLIENT_HANDSHAKE_MS).toBeGreaterThan(SUBSCRIBE_WAIT_MS);
    const { flow } = await serveSample(url);
    const entries: ClientEntry[] = [];
    const clients = new TestClients((e: StudioEvent) => {
      if (e.event === 'client') entries.push(e.entry);
    });
    try {
      clients.open(flow.url, { path: '/topics/held' });
      await waitFor('the client closed', () => entries.some((e) => e.kind === 'close'), CLIENT_HANDSHAKE_MS + 5000);
      const errors = entries.filter((e) => e.kind === 'error').map((e) => e.message);
      expect(errors).toEqual([
        `handshake refused: HTTP 503 Service Unavailable — the MQTT broker ${url} did not confirm the subscription to 'held' within ${SUBSCRIBE_WAIT_MS / 1000} s (WSF_MQTT_SUBSCRIBE_TIMEOUT)`,
      ]);
    } finally {
      clients.closeAll();
    }
  }, 30_000);
});
