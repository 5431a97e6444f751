/**
 * `GET /metrics` of `wsflow run`, scraped over real HTTP after known traffic over real sockets,
 * parsed with a Prometheus text parser: connections equal the open clients, message counters
 * equal what was sent, upgrades are counted by status (404 and 400 included), handler durations
 * are counted per node, and `WSFLOW_METRICS=off` turns the endpoint off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { family, histogram, scrape, scrapeUntil, value } from './scrape.ts';

const CHAT = 'samples/chat.wsflow.yaml';
const TEXTS_EACH = 5;

describe('wsflow run: /metrics after known chat traffic', () => {
  let service: RunningProcess;
  beforeAll(async () => {
    service = await runFlow(CHAT);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
  });

  it('counts connections, messages, upgrades and handler invocations exactly', async () => {
    const names = ['alice', 'bob', 'carol'];
    const clients: TestClient[] = [];
    // One at a time, each waiting for its own join notice, so every broadcast has a known audience.
    for (const name of names) {
      const client = await TestClient.connect(`${service.url}/chat/${name}?age=30`);
      expect(await client.nextText()).toBe(`Hi ${name}! You have successfully connected to the chat`);
      for (const c of [...clients, client]) expect(await c.nextText()).toBe(`${name} with age 30 connected to chat`);
      clients.push(client);
    }
    for (const [i, client] of clients.entries()) for (let k = 0; k < TEXTS_EACH; k++) client.send(`m${i}-${k}`);
    for (const client of clients) for (let k = 0; k < TEXTS_EACH * clients.length; k++) expect(await client.nextText()).toMatch(/^\w+: m\d-\d$/);

    expect((await TestClient.rejection(`${service.url}/nope`)).status).toBe(404);
    expect((await TestClient.rejection(`${service.url}/chat/dave?age=old`)).status).toBe(400);

    const carol = clients.pop() as TestClient;
    await carol.close();
    for (const c of clients) expect(await c.nextText()).toBe('carol left the chat');

    const m = await scrapeUntil(service.port, (s) => histogram(s, 'wsflow_handler_duration_seconds', { node: 'on-close' })?.count === 1, 'the onClose invocation');
    expect(m.status).toBe(200);
    expect(m.contentType).toContain('text/plain');

    const sent = names.length /* greetings */ + (1 + 2 + 3) /* join notices */ + TEXTS_EACH * 3 * 3 /* chat lines to all */ + 2; /* leave notices */
    expect(value(m, 'wsflow_connections', { service: 'chat' })).toBe(clients.length);
    expect(value(m, 'wsflow_messages_received_total', { service: 'chat' })).toBe(TEXTS_EACH * names.length);
    expect(value(m, 'wsflow_messages_sent_total', { service: 'chat' })).toBe(sent);
    expect(value(m, 'wsflow_upgrades_total', { upgrader: 'upgrader', status: '101' })).toBe(3);
    expect(value(m, 'wsflow_upgrades_total', { upgrader: 'upgrader', status: '400' })).toBe(1);
    expect(value(m, 'wsflow_upgrades_total', { upgrader: '', status: '404' })).toBe(1);
    expect(family(m, 'wsflow_upgrades_total').metrics).toHaveLength(3);
    // Nobody was cut by a limit.
    expect(value(m, 'wsflow_policy_closes_total', { service: 'chat', reason: 'slow_reader' })).toBe(0);
    expect(value(m, 'wsflow_policy_closes_total', { service: 'chat', reason: 'rate_limit' })).toBe(0);

    const counts = { upgrader: 3, 'on-open': 3, 'on-text': TEXTS_EACH * 3, 'on-close': 1 };
    for (const [node, count] of Object.entries(counts)) {
      const h = histogram(m, 'wsflow_handler_duration_seconds', { node });
      expect(h?.count, node).toBe(count);
      expect(h?.buckets['+Inf'], node).toBe(count);
      expect(h?.sum, node).toBeGreaterThan(0);
      expect(value(m, 'wsflow_handler_errors_total', { node }), node).toBe(0);
    }
    expect(family(m, 'wsflow_handler_duration_seconds').type).toBe('HISTOGRAM');
    // prom-client's default process metrics
    expect(value(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(family(m, 'nodejs_eventloop_lag_seconds').type).toBe('GAUGE');

    // Bounded labels: node ids, service ids, upgrader ids and status codes, never paths or connections.
    const allowed = new Set(['chat', 'upgrader', 'on-open', 'on-text', 'on-close', '', '101', '400', '404', 'slow_reader', 'rate_limit']);
    const labelValues = m.families.filter((x) => x.name.startsWith('wsflow_')).flatMap((f) => f.metrics.flatMap((sample) => Object.values(sample.labels ?? {})));
    expect(labelValues.length).toBeGreaterThan(10);
    expect(labelValues.filter((v) => !allowed.has(v))).toEqual([]);
    for (const c of clients) await c.close();
  }, 60_000);

  it('keeps /healthz and the 426 answer of WebSocket paths', async () => {
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${service.port}/chat/x`)).status).toBe(426);
  });
});

describe('wsflow run with WSFLOW_METRICS=off', () => {
  it('answers /metrics with 404 and still serves', async () => {
    const service = await runFlow(CHAT, [], { WSFLOW_METRICS: 'off' });
    try {
      const m = await scrape(service.port);
      expect(m.status).toBe(404);
      expect(m.text).not.toContain('wsflow_');
      const client = await TestClient.connect(`${service.url}/chat/erin`);
      expect(await client.nextText()).toContain('Hi erin!');
      await client.close();
    } finally {
      await service.stop();
    }
  }, 60_000);
});
