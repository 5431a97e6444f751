/**
 * OpenTelemetry in `wsflow run`: with OTEL_EXPORTER_OTLP_ENDPOINT set, handler and upgrade spans
 * reach an OTLP/HTTP receiver started here; without it, not one `@opentelemetry/*` module is
 * even resolved (a module hook records every resolution, and the first case proves it sees them).
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

const ECHO = 'samples/echo.wsflow.yaml';
const LOAD_LOG = fileURLToPath(new URL('./fixtures/load-log.mjs', import.meta.url));

describe('wsflow run and OpenTelemetry', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    dir = mkdtempSync(join(tmpdir(), 'wsflow-otel-'));
  });
  afterAll(async () => {
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports handler and upgrade spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const log = join(dir, 'with.log');
    const service = await runFlow(ECHO, [], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      NODE_OPTIONS: `--import ${LOAD_LOG}`,
      WSFLOW_LOAD_LOG: log,
    });
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('hello');
      expect(await client.nextText()).toBe('hello');
      expect((await TestClient.rejection(`${service.url}/elsewhere`)).status).toBe(404);
      await receiver.waitFor('an onText span and both upgrade spans', (spans) =>
        spans.some((s) => s.attributes['wsflow.node.id'] === 'on-text') && spans.filter((s) => s.name === 'wsflow upgrade').length >= 2,
      );
      const text = receiver.spans.find((s) => s.attributes['wsflow.node.id'] === 'on-text');
      expect(text).toMatchObject({ name: 'wsflow handler text', service: 'echo', status: 0, attributes: { 'wsflow.service': 'echo', 'wsflow.event': 'text' } });
      expect(String(text?.attributes['wsflow.connection.id'])).toMatch(/\w+-\w+/);
      expect(text!.endMs).toBeGreaterThanOrEqual(text!.startMs);
      const upgrades = receiver.spans.filter((s) => s.name === 'wsflow upgrade');
      expect(upgrades.map((s) => s.attributes['http.response.status_code']).sort()).toEqual([101, 404]);
      expect(upgrades.find((s) => s.attributes['http.response.status_code'] === 101)?.attributes).toMatchObject({ 'wsflow.node.id': 'upgrader', 'wsflow.service': 'echo' });
      expect(receiver.refused).toEqual([]);
      await client.close();
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(readFileSync(log, 'utf8')).toContain('@opentelemetry/sdk-trace-node');
  }, 90_000);

  it('loads no OpenTelemetry module when the endpoint is unset', async () => {
    const log = join(dir, 'without.log');
    const before = receiver.spans.length;
    const service = await runFlow(ECHO, [], { OTEL_EXPORTER_OTLP_ENDPOINT: '', NODE_OPTIONS: `--import ${LOAD_LOG}`, WSFLOW_LOAD_LOG: log });
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('hello');
      expect(await client.nextText()).toBe('hello');
      await client.close();
    } finally {
      await service.stop();
    }
    expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
    expect(receiver.spans.length).toBe(before);
  }, 90_000);
});
