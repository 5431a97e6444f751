/**
 * The exported service (bundled server.mjs, run as its Dockerfile does): `/metrics` after known
 * traffic, its log as pino JSON lines, and OpenTelemetry spans of a failing handler reaching an
 * OTLP/HTTP receiver started here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/ws-client.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';
import { variant } from '../export/fixtures.ts';
import { histogram, scrape, scrapeUntil, value } from './scrape.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const LOGGING_ECHO = variant('echo', (f) => {
  (f.nodes.find((n) => n.id === 'on-text') as { code: string }).code = [
    'export default function onText(conn: Connection, text: string, ctx: ServiceContext) {',
    '  ctx.log.info(`got ${text}`);',
    "  if (text === 'boom') throw new Error('kaboom');",
    '  conn.send(text);',
    '}',
    '',
  ].join('\n');
});

describe('exported service observability', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await exportToTemp(LOGGING_ECHO, 'observe');
  }, 120_000);
  afterAll(() => removeExport(dir));

  it('serves /metrics with exact counts and logs JSON lines (pino) with level, node, connection and message', async () => {
    const service = await startExported(dir);
    try {
      const a = await TestClient.connect(`${service.url}/chat`);
      const b = await TestClient.connect(`${service.url}/chat`);
      for (const t of ['one', 'two', 'three']) a.send(t);
      for (const t of ['one', 'two', 'three']) expect(await a.nextText()).toBe(t);
      b.send('boom');
      const m = await scrapeUntil(service.port, (s) => histogram(s, 'wsflow_handler_duration_seconds', { node: 'on-text' })?.count === 4, 'four onText invocations');
      expect(value(m, 'wsflow_connections', { service: 'echo' })).toBe(2);
      expect(value(m, 'wsflow_messages_received_total', { service: 'echo' })).toBe(4);
      expect(value(m, 'wsflow_messages_sent_total', { service: 'echo' })).toBe(3);
      expect(value(m, 'wsflow_handler_errors_total', { node: 'on-text' })).toBe(1);
      expect(value(m, 'wsflow_upgrades_total', { upgrader: 'upgrader', status: '101' })).toBe(2);
      await a.close();
      await b.close();
      await scrapeUntil(service.port, (s) => value(s, 'wsflow_connections', { service: 'echo' }) === 0, 'no connections');

      const lines = service.output().trim().split('\n');
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const r of records) {
        expect(r).toMatchObject({ service: 'echo' });
        expect(['info', 'warn', 'error', 'fatal']).toContain(r.level);
        expect(typeof r.time).toBe('number');
        expect(typeof r.message).toBe('string');
      }
      expect(records[0]).toMatchObject({ level: 'info', message: expect.stringContaining(`listening on ${service.url}`) });
      const got = records.find((r) => r.message === 'got two');
      expect(got).toMatchObject({ level: 'info', nodeId: 'on-text' });
      expect(String(got?.connectionId)).toMatch(/\w+-\w+/);
      expect(records).toContainEqual(expect.objectContaining({ level: 'error', nodeId: 'on-text', code: 'WSF_SNIPPET_THROW', message: expect.stringContaining('kaboom') }));
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 60_000);

  it('WSFLOW_METRICS=off: /metrics is 404', async () => {
    const service = await startExported(dir, { WSFLOW_METRICS: 'off' });
    try {
      expect((await scrape(service.port)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('exports spans of a failing handler over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const receiver = await startOtlpReceiver();
    const service = await startExported(dir, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_SERVICE_NAME: 'echo-prod' });
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('boom');
      client.send('fine');
      expect(await client.nextText()).toBe('fine');
      await receiver.waitFor('a failed onText span', (spans) => spans.some((s) => s.attributes['wsflow.error.code'] === 'WSF_SNIPPET_THROW'));
      const failed = receiver.spans.find((s) => s.attributes['wsflow.error.code'] === 'WSF_SNIPPET_THROW');
      expect(failed).toMatchObject({ service: 'echo-prod', status: 2, attributes: { 'wsflow.node.id': 'on-text', 'wsflow.service': 'echo' } });
      expect(failed?.statusMessage).toContain('kaboom');
      await client.close();
    } finally {
      await service.stop();
      await receiver.close();
    }
  }, 60_000);
});
