/**
 * A flood of client messages, each triggering an HTTP call to a slow API, is bounded per flow
 * instance (settings.httpCalls, runtime/connectors/http-gate.ts): at most `concurrent` requests
 * reach the API at once, `queued` more wait their turn, and the rest fail at once with
 * WSF_HTTP_BUSY: the chain's onError gets it naming the http step, the trace has a failed outbound
 * event, and `wsflow_connector_dropped_total{reason="busy"}` counts it. Against `wsflow run` and
 * the exported service, a real HTTP server on 127.0.0.1 that holds every answer until released
 * and counts the requests open at once.
 */
import { createServer, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { useServedFlows } from '../helpers/served-flows.ts';
import { exportToTemp, removeExport, startExported } from '../export/exported.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { validateFlowText } from '../../runtime/check/index.ts';

const CONCURRENT = 4;
const QUEUED = 6;
/** More clients than both bounds together; each sends one message (a connection's messages run one at a time). */
const CLIENTS = 24;

const FLOW = `wsflow: 1
name: http-flood
listener: { port: 9999 }
settings: { httpCalls: { concurrent: ${CONCURRENT}, queued: ${QUEUED} } }
nodes:
  - { id: up, type: upgrader, basePath: /f }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: call, type: http, url: '\${env.API_URL}/slow/\${text}', timeoutMs: 60000 }
  - { id: answer, type: reply, message: 'ok \${vars.response.status}' }
  - id: failed
    type: onError
    code: |
      export default function onError(conn: Connection, error: HandlerError) {
        conn.send('failed at ' + error.nodeId + ': ' + error.message);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: call }
  - { from: call, to: answer }
  - { from: svc, to: failed }
`;

/** An API that answers only when released; counts the requests open at once and their peak. */
async function slowApi() {
  const held: ServerResponse[] = [];
  let open = 0;
  let peak = 0;
  let total = 0;
  let releasing = false;
  const server = createServer((req, res) => {
    total++;
    open++;
    peak = Math.max(peak, open);
    res.on('close', () => open--);
    req.resume();
    if (releasing) res.end('late');
    else held.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ open, peak, total }),
    release() {
      releasing = true;
      for (const res of held.splice(0)) res.end('done');
    },
    reset() {
      releasing = false;
      peak = 0;
      total = 0;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function metric(port: number, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`)) out[line.slice(name.length, line.lastIndexOf(' '))] = Number(line.slice(line.lastIndexOf(' ') + 1));
  return out;
}

const { serve, pool } = useServedFlows();
let api: Awaited<ReturnType<typeof slowApi>>;
let dir = '';
beforeAll(async () => {
  api = await slowApi();
  dir = mkdtempSync(join(tmpdir(), 'wsflow-http-flood-'));
});
afterAll(async () => {
  api.release();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

async function flood(server: RunningProcess): Promise<void> {
  api.reset();
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => TestClient.connect(`${server.url}/f`)));
  try {
    const got: string[] = [];
    const replies = Promise.all(clients.map((c) => c.nextText(60_000).then((m) => void got.push(m))));
    clients.forEach((c, i) => c.send(String(i)));
    const refused = CLIENTS - CONCURRENT - QUEUED;
    // The calls past both bounds fail at once, while the API still holds the first ones.
    await waitFor(`${refused} calls refused`, () => got.length === refused, 30_000);
    await waitFor(`${CONCURRENT} requests at the API`, () => api.stats().open === CONCURRENT, 30_000);
    expect(got.every((m) => /^failed at call: GET http:\/\/127\.0\.0\.1:\d+\/slow\/\d+: \d+ HTTP calls are in flight and \d+ wait for a slot .* \(WSF_HTTP_BUSY\)$/.test(m)), got.join('\n')).toBe(true);
    api.release();
    await replies;
    const stats = api.stats();
    console.log(`http flood: ${CLIENTS} calls, peak ${stats.peak} open at the API, ${stats.total} reached it, ${refused} refused`);
    // Never more than the bound at the API; the waiting ones went through after.
    expect(stats.peak).toBe(CONCURRENT);
    expect(stats.total).toBe(CONCURRENT + QUEUED);
    expect(got.filter((m) => m === 'ok 200')).toHaveLength(CONCURRENT + QUEUED);
    const drops = await metric(server.port, 'wsflow_connector_dropped_total');
    expect(drops['{node="call",reason="busy"}']).toBe(refused);
  } finally {
    for (const c of clients) await c.close();
  }
}

describe('a flood of client messages that each call a slow HTTP API', () => {
  it('wsflow run: at most settings.httpCalls.concurrent at the API, the queue waits, the rest fail WSF_HTTP_BUSY', async () => {
    const file = join(dir, 'flood.wsflow.yaml');
    writeFileSync(file, FLOW);
    const server = await runFlow(file, [], { API_URL: api.url });
    try {
      await flood(server);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('the exported service: the same', async () => {
    const parsed = parseFlow(FLOW);
    if (!parsed.flow) throw new Error(JSON.stringify(parsed.problems));
    const out = await exportToTemp(parsed.flow, 'http-flood');
    try {
      const server = await startExported(out, { API_URL: api.url });
      try {
        await flood(server);
      } finally {
        await server.stop();
      }
    } finally {
      removeExport(out);
    }
  }, 180_000);
});

describe('ctx.http in a snippet past the bound', () => {
  it('rejects with WSF_HTTP_BUSY at once and is traced; the calls within the bound go through', async () => {
    api.reset();
    process.env.WSF_TEST_SLOW_API = api.url;
    const { flow, events } = await serve(`wsflow: 1
name: http-snippet
listener: { port: 9999 }
settings: { httpCalls: { concurrent: 1, queued: 1 } }
nodes:
  - { id: up, type: upgrader, basePath: /s }
  - { id: svc, type: service }
  - id: burst
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        for (let i = 0; i < 4; i++) {
          ctx.http({ url: (ctx.env.WSF_TEST_SLOW_API ?? '') + '/s/' + i }).then(
            (r) => conn.send('ok ' + r.status),
            (error: Error) => conn.send('rejected: ' + error.message),
          );
        }
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: burst }
`);
    const client = await pool.connect(`${flow.url}/s`);
    client.send('go');
    for (let i = 0; i < 2; i++) expect(await client.nextText(15_000)).toMatch(/^rejected: GET http:\/\/127\.0\.0\.1:\d+\/s\/[23]: 1 HTTP calls are in flight and 1 wait for a slot .* \(WSF_HTTP_BUSY\)$/);
    await waitFor('the first call at the API', () => api.stats().open === 1, 15_000);
    api.release();
    for (let i = 0; i < 2; i++) expect(await client.nextText(15_000)).toBe('ok 200');
    expect(api.stats().peak).toBe(1);
    expect(events.filter((e) => e.kind === 'outbound' && !e.ok && e.nodeId === 'burst')).toHaveLength(2);
  }, 60_000);
});

describe('settings.httpCalls', () => {
  it('refuses no slot at all and a negative queue, located on the field', async () => {
    const text = `wsflow: 1
name: http-range
listener: { port: 9999 }
settings:
  httpCalls: { concurrent: 0, queued: -1 }
nodes: []
edges: []
`;
    const { problems } = await validateFlowText(text, 'http-range.wsflow.yaml', { typecheck: false });
    const where = problems.map((p) => `${p.severity} ${p.file}:${p.line}:${p.col} ${p.field}`);
    expect(where).toEqual(expect.arrayContaining(['error http-range.wsflow.yaml:5:28 settings.httpCalls.concurrent', 'error http-range.wsflow.yaml:5:39 settings.httpCalls.queued']));
  });
});
