/**
 * Connectors through the engine, in process, against real services: a real HTTP server (retries,
 * timeout, JSON), real Redis pub/sub (bindings and ctx.redis), chain steps (http, mqttOut) compiled
 * by the low-code compiler, and the snippet API (ctx.http). Outbound calls appear in the trace.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import mqtt from 'mqtt';
import { startRedis, type TestRedis } from '../cluster/redis-server.ts';
import { waitFor } from '../helpers/wait.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { useServedFlows } from '../helpers/served-flows.ts';

const { serve, pool } = useServedFlows();

const head = (name: string) => `wsflow: 1
name: ${name}
listener: { port: 9999 }
`;

describe('http', () => {
  let server: Server;
  let base = '';
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/flaky' && hits % 3 !== 0) return void res.writeHead(503).end('busy');
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization ?? null })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a chain calls an API with env-filled fields and replies with the JSON; the trace shows the call', async () => {
    process.env.WSF_TEST_API = base;
    process.env.WSF_TEST_TOKEN = 'tok';
    const { flow, events } = await serve(`${head('http-chain')}nodes:
  - { id: up, type: upgrader, basePath: /api }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - id: call
    type: http
    method: POST
    url: \${env.WSF_TEST_API}/echo/\${text}
    headers: "{ authorization: \`Bearer \${env.WSF_TEST_TOKEN}\` }"
    body: 'said \${text}'
    as: res
  - { id: answer, type: reply, value: "vars.res.json" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: call }
  - { from: call, to: answer }
`);
    const client = await pool.connect(`${flow.url}/api`);
    client.send('hi');
    expect(await client.nextJson()).toEqual({ method: 'POST', url: '/echo/hi', body: 'said hi', auth: 'Bearer tok' });
    await waitFor('the outbound trace event', () => events.some((e) => e.kind === 'outbound'));
    const out = events.find((e) => e.kind === 'outbound');
    expect(out).toMatchObject({ kind: 'outbound', nodeId: 'call', connector: 'http', target: `POST ${base}/echo/hi`, ok: true, result: '200' });
  });

  it('ctx.http retries 503 with backoff, and a timeout rejects with WSF_HTTP_TIMEOUT', async () => {
    process.env.WSF_TEST_API = base;
    hits = 0;
    const { flow } = await serve(`${head('http-snippet')}nodes:
  - { id: up, type: upgrader, basePath: /api }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        try {
          const r = await ctx.http({ url: ctx.env.WSF_TEST_API + text, retries: 3, timeoutMs: 1000 });
          conn.send(r.status + ' after ' + r.attempts);
        } catch (e) {
          conn.send('failed: ' + (e as Error).message);
        }
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`);
    const client = await pool.connect(`${flow.url}/api`);
    client.send('/flaky');
    expect(await client.nextText(15_000)).toBe('200 after 3');
    client.send('/slow');
    expect(await client.nextText(20_000)).toMatch(/^failed: GET .*\/slow: no complete response within 1000 ms after 4 attempts \(WSF_HTTP_TIMEOUT\)$/);
  }, 40_000);
});

describe('redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('redisIn/redisOut bound to a service: a channel per room, both ways', { timeout: 60_000 }, async () => {
    process.env.WSF_TEST_REDIS = redis.url;
    const { flow } = await serve(`${head('redis-bridge')}nodes:
  - { id: up, type: upgrader, basePath: /rooms, upgradePath: '/{room}' }
  - { id: svc, type: service }
  - { id: in, type: redisIn, url: '\${env.WSF_TEST_REDIS}', channel: 'room:\${conn.params.room}' }
  - { id: out, type: redisOut, url: '\${env.WSF_TEST_REDIS}', channel: 'room:\${conn.params.room}' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: in }
  - { from: svc, to: out }
`);
    const peer = new Redis(redis.url);
    const sub = new Redis(redis.url);
    try {
      const heard: string[] = [];
      await sub.subscribe('room:a');
      sub.on('message', (_c: string, m: string) => heard.push(m));
      const a = await pool.connect(`${flow.url}/rooms/a`);
      const b = await pool.connect(`${flow.url}/rooms/b`);
      await waitFor('the bridge subscribed', async () => (await peer.publish('room:a', 'hello a')) > 1 || (await a.drain(50)).length > 0, 30_000);
      await peer.publish('room:a', 'for a');
      let got = await a.nextText();
      while (got === 'hello a') got = await a.nextText();
      expect(got).toBe('for a');
      a.send('from a');
      await waitFor('the text on room:a', () => heard.includes('from a'));
      expect(await b.drain(200)).toEqual([]);
    } finally {
      peer.disconnect();
      sub.disconnect();
    }
  });
});

describe('mqttOut as a chain step', () => {
  let broker: TestMosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('publishes a template payload with QoS 1 and goes on to the next step', async () => {
    process.env.WSF_TEST_MQTT = broker.url;
    const { flow } = await serve(`${head('mqtt-chain')}nodes:
  - { id: up, type: upgrader, basePath: /s, upgradePath: '/{id}' }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: pub, type: mqttOut, url: '\${env.WSF_TEST_MQTT}', topic: 'devices/\${conn.params.id}', payload: '{"v":\${JSON.stringify(text)}}', qos: 1 }
  - { id: ok, type: reply, message: 'published' }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: pub }
  - { from: pub, to: ok }
`);
    const peer = await mqtt.connectAsync(broker.url);
    try {
      const got: string[] = [];
      peer.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
      await peer.subscribeAsync('devices/+', { qos: 1 });
      const client = await pool.connect(`${flow.url}/s/d1`);
      // The flow's broker connection opens with the first publish: retry until it is up.
      await waitFor('a publish through the chain', async () => {
        client.send('x');
        return (await client.nextText()) === 'published';
      }, 20_000);
      await waitFor('the message on the broker', () => got.includes('devices/d1 {"v":"x"}'));
    } finally {
      await peer.endAsync();
    }
  }, 40_000);
});
