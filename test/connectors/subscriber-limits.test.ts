/**
 * A connector's deliveries take the engine's one send path: a client subscribed through an
 * `mqttIn` binding that stops reading is cut at its service's `limits.maxBufferedBytes` (not a
 * limit of the connector's own), the cut is logged and counted in
 * `wsflow_policy_closes_total{reason="slow_reader"}`, and every delivery counts in
 * `wsflow_messages_sent_total`. Real Mosquitto, real sockets, a real /metrics scrape.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectors } from '../../runtime/connectors/index.ts';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { scrape, scrapeUntil, value } from '../metrics/scrape.ts';

const LIMIT = 1024 * 1024;

function flowYaml(url: string): string {
  return `wsflow: 1
name: subscriber-limits
listener: { port: 9999 }
nodes:
  - { id: topics, type: upgrader, basePath: /topics, upgradePath: '/{topic}' }
  - { id: bridge, type: service, limits: { maxBufferedBytes: ${LIMIT} } }
  - { id: in, type: mqttIn, url: '${url}', topic: 'limits/\${conn.params.topic}' }
edges:
  - { from: topics, to: bridge }
  - { from: bridge, to: in }
`;
}

describe('connector deliveries to a slow reader', () => {
  let broker: TestMosquitto;
  let peer: MqttClient;
  let flow: RunningFlow;
  const events: TraceEvent[] = [];
  beforeAll(async () => {
    broker = await startMosquitto();
    peer = await mqtt.connectAsync(broker.url, { connectTimeout: 5000 });
    const parsed = parseFlow(flowYaml(broker.url));
    if (!parsed.flow) throw new Error(JSON.stringify(parsed.problems));
    flow = await startFlow(await compileFlow(parsed.flow), { port: 0, connectors: createConnectors, metrics: true });
    flow.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await flow?.stop({ drainTimeoutMs: 500 });
    await peer?.endAsync();
    await broker?.stop();
  });

  it('cuts it at the service maxBufferedBytes, logs and counts the cut, and counts every delivery as sent', async () => {
    const slow = await TestClient.connect(`${flow.url}/topics/news`);
    const fast = await TestClient.connect(`${flow.url}/topics/news`);
    slow.socket.pause();
    const port = Number(new URL(flow.url).port);
    const sentBefore = value(await scrape(port), 'wsflow_messages_sent_total', { service: 'bridge' }) ?? 0;

    // 2,000 x 16 KiB = 32 MiB: far more than loopback socket buffers hold, so the engine's own
    // backlog for the paused client passes the 1 MiB limit. Published 20 at a time, each batch
    // once the reading client has all before it: this process is also that client, and a
    // publisher that never yields would make it a slow reader too.
    const body = 'm'.repeat(16 * 1024);
    const total = 2000;
    let received = 0;
    fast.socket.on('message', () => received++);
    for (let sent = 0; sent < total; sent += 20) {
      for (let i = 0; i < 20; i++) peer.publish('limits/news', body);
      await waitFor(`the reading client to get ${sent + 20} messages`, () => received === sent + 20, 20_000);
    }

    const cut = events.find((e) => e.kind === 'engine' && e.code === 'WSF_SLOW_READER');
    expect(cut, 'a WSF_SLOW_READER note').toBeDefined();
    expect(cut?.kind === 'engine' && cut.message).toContain(`more than ${LIMIT} bytes unsent`);
    slow.socket.resume();
    const closed = await slow.waitClosed(30_000);
    expect([1008, 1006]).toContain(closed.code);
    if (closed.code === 1008) expect(closed.reason).toMatch(/^slow reader: more than 1048576 bytes unsent/);

    // /metrics answers from a short cache: scrape until the cut shows.
    const after = await scrapeUntil(port, (s) => value(s, 'wsflow_policy_closes_total', { service: 'bridge', reason: 'slow_reader' }) === 1, 'one slow-reader cut');
    // The fast client's deliveries, plus what reached the slow one before its cut.
    expect((value(after, 'wsflow_messages_sent_total', { service: 'bridge' }) ?? 0) - sentBefore).toBeGreaterThanOrEqual(total + 1);
    await fast.close();
  }, 90_000);
});
