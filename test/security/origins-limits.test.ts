/**
 * `allowedOrigins` and service `limits` over real sockets: 403 for a foreign browser Origin,
 * 503 over the connection caps (with /healthz still answered), 429 over the per-address cap,
 * 1008 over the message rate and for a slow reader, and every other connection unaffected.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, start } from '../engine/helpers.ts';
import { waitFor } from '../helpers/wait.ts';
import { ClientPool, TestClient } from '../helpers/ws-client.ts';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';

function flow(opts: { upgrader?: string; service?: string; settings?: string; code?: string } = {}): string {
  return `
wsflow: 1
name: limited
listener: { port: 0 }
${opts.settings ? `settings: ${opts.settings}` : ''}
nodes:
  - { id: up, type: upgrader, basePath: /s${opts.upgrader ?? ''} }
  - { id: svc, type: service${opts.service ?? ''} }
  - id: on-text
    type: onText
    code: |
${(opts.code ?? 'export default function onText(conn: Connection, text: string) { conn.send(text); }').replace(/^/gm, '      ')}
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;
}

let running: RunningFlow | undefined;
const pool = new ClientPool();
afterEach(async () => {
  pool.closeAll();
  await running?.stop({ drainTimeoutMs: 0 });
  running = undefined;
});

async function echoes(client: TestClient, text = 'ping'): Promise<void> {
  client.send(text);
  expect(await client.nextText()).toBe(text);
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/healthz' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('allowedOrigins', () => {
  it('refuses a browser Origin that is not listed with 403 and lets listed and Origin-less clients in', async () => {
    running = await start(flow({ upgrader: ', allowedOrigins: [https://app.example.com, "http://localhost:5173"]' }));
    const url = `${running.url}/s`;
    const r = await TestClient.rejection(url, { headers: { origin: 'https://evil.example' } });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/origin https:\/\/evil.example is not allowed/);
    expect((await TestClient.rejection(url, { headers: { origin: 'null' } })).status).toBe(403);
    await echoes(await pool.connect(url, { headers: { origin: 'https://app.example.com' } }));
    await echoes(await pool.connect(url, { headers: { origin: 'HTTP://LOCALHOST:5173' } }));
    await echoes(await pool.connect(url));
  });
});

describe('connection caps', () => {
  it('answers 503 over the service maxConnections and admits again once a connection closes', async () => {
    running = await start(flow({ service: ', limits: { maxConnections: 2 }' }));
    const url = `${running.url}/s`;
    const a = await pool.connect(url);
    const b = await pool.connect(url);
    const r = await TestClient.rejection(url);
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/connection limit \(2\)/);
    await a.close();
    const c = await waitForAdmission(url);
    await echoes(b);
    await echoes(c);
  });

  it('answers 503 over the listener-wide settings.maxConnections while /healthz is still answered', async () => {
    running = await start(flow({ settings: '{ maxConnections: 3 }' }));
    const url = `${running.url}/s`;
    for (let i = 0; i < 3; i++) await pool.connect(url);
    expect((await TestClient.rejection(url)).status).toBe(503);
    expect(await healthz(running.port)).toBe(200);
  });

  it('answers 429 over maxConnectionsPerIp, per remote address', async () => {
    running = await start(flow({ service: ', limits: { maxConnectionsPerIp: 2 }' }));
    const url = `${running.url}/s`;
    await pool.connect(url);
    await pool.connect(url);
    const r = await TestClient.rejection(url);
    expect(r.status).toBe(429);
    expect(r.body).toMatch(/too many connections from 127\.0\.0\.1/);
    // another loopback address is another client
    const other = await pool.connect(url, { localAddress: '127.0.0.2' });
    await other.close();
  });
});

async function waitForAdmission(url: string): Promise<TestClient> {
  // The count is released when the server sees the TCP close; retry (bounded) until then.
  return waitFor(
    'admission once the server has seen the close',
    async () => {
      try {
        return await pool.connect(url);
      } catch (error) {
        if ((error as { status?: number }).status !== 503) throw error;
        return undefined;
      }
    },
    10_000,
    50,
  );
}

describe('message rate', () => {
  it('closes a connection over messagesPerSecond + burst with 1008 and a reason; others keep being served', async () => {
    running = await start(flow({ service: ', limits: { messagesPerSecond: 5, burst: 10 }' }));
    const url = `${running.url}/s`;
    const calm = await pool.connect(url);
    const flood = await pool.connect(url);
    for (let i = 0; i < 30; i++) flood.send(`m${i}`);
    const closed = await flood.waitClosed();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/message rate over 5\/s/);
    await echoes(calm);
    await echoes(calm, 'still here');
  });

  it('lets a client that stays within the burst through', async () => {
    running = await start(flow({ service: ', limits: { messagesPerSecond: 5, burst: 10 }' }));
    const client = await pool.connect(`${running.url}/s`);
    for (let i = 0; i < 10; i++) client.send(`m${i}`);
    for (let i = 0; i < 10; i++) expect(await client.nextText()).toBe(`m${i}`);
  });
});

describe('slow readers', () => {
  const FLOOD = `export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
  if (text !== 'flood') { conn.send(text); return; }
  const chunk = 'x'.repeat(64 * 1024);
  for (const other of ctx.connections) if (other.id !== conn.id) for (let i = 0; i < 200; i++) other.send(chunk);
}`;

  it('closes a reader whose unsent backlog passes maxBufferedBytes with 1008, and serves the others', async () => {
    running = await start(flow({ service: ', limits: { maxBufferedBytes: 262144 }', code: FLOOD }));
    const url = `${running.url}/s`;
    const trace = collect(running);
    const reader = await pool.connect(url);
    const sender = await pool.connect(url);
    reader.socket.pause();
    sender.send('flood');
    await waitFor('the slow-reader note', () => trace.events.find((e) => e.kind === 'engine' && e.code === 'WSF_SLOW_READER'), 10_000);
    reader.socket.resume();
    const closed = await reader.waitClosed(10_000);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/slow reader/);
    await echoes(sender);
    trace.stop();
  });
});
