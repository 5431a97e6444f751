/**
 * What upstream servers send is bounded too: a JWKS endpoint that streams without end, answers
 * something that is not JSON, or is asked again and again; a WebSocket backend that sends a frame
 * over the wsBackend's maxPayload. Real servers on 127.0.0.1, real clients.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { start } from '../engine/helpers.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { waitFor } from '../helpers/wait.ts';
import { createConnectors } from '../../runtime/connectors/index.ts';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { MAX_JWKS_BYTES } from '../../runtime/engine/security/jwks.ts';

const guarded = `
wsflow: 1
name: guarded
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /s, auth: { type: jwt, jwksUrl: "\${env.JWKS_URL}" }, allowedOrigins: [https://app.example.com] }
  - { id: svc, type: service }
  - { id: on-text, type: onText, code: "export default function onText(conn: Connection, t: string) { conn.send(t); }" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

type Handler = (res: ServerResponse) => void;

/** A JWKS endpoint whose answer the test swaps; counts requests. */
async function jwksServer(): Promise<{ server: Server; url: string; requests: () => number; answer: (h: Handler) => void }> {
  let handler: Handler = (res) => res.writeHead(500).end();
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    handler(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/jwks.json`, requests: () => requests, answer: (h) => (handler = h) };
}

describe('JWKS bodies and errors', () => {
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let flow: RunningFlow | undefined;
  let token = '';
  let set: object;
  beforeAll(async () => {
    jwks = await jwksServer();
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    set = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    token = await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('5m').sign(privateKey);
  });
  afterEach(async () => {
    await flow?.stop({ drainTimeoutMs: 0 });
    flow = undefined;
  });
  afterAll(() => new Promise<void>((r) => jwks.server.close(() => r())));

  const startGuarded = async () => {
    flow = await start(guarded, { env: { JWKS_URL: jwks.url } });
    return `${flow.url}/s`;
  };
  const statusWith = async (url: string, bearer = token) => (await TestClient.rejection(url, { headers: { authorization: `Bearer ${bearer}` } })).status;

  it('a key set streamed without end is cut at the size cap: 503, and the service stops reading', async () => {
    const total = 128 * 1024 * 1024;
    let written = 0;
    let closed = false;
    jwks.answer((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.from(`${'{"kty":"oct","k":"AAAA"},'.repeat(2600)}`);
      res.write('{"keys":[');
      res.on('close', () => (closed = true));
      // Respect backpressure: what is written is what the service read (plus socket buffers).
      const pump = () => {
        while (written < total && !closed) {
          written += chunk.byteLength;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(']}');
      };
      pump();
    });
    const url = await startGuarded();
    const rssBefore = process.memoryUsage().rss;
    expect(await statusWith(url)).toBe(503);
    await waitFor('the JWKS response to be dropped', () => closed);
    // The cap is 1 MiB; socket buffers on both sides add a few MiB. Reading it all would be 128 MiB.
    expect(written).toBeLessThan(32 * 1024 * 1024);
    // Bounded memory: buffering the body would add at least 128 MiB; the cap keeps growth to the
    // cap plus allocator noise (measured: under 10 MiB), so 64 MiB is far from both.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(MAX_JWKS_BYTES).toBe(1024 * 1024);
  });

  it('a key set that is not JSON, or not 200, gives 503 (the keys are unavailable), not 401', async () => {
    jwks.answer((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'));
    const url = await startGuarded();
    expect(await statusWith(url)).toBe(503);
    await flow?.stop({ drainTimeoutMs: 0 });
    jwks.answer((res) => res.writeHead(502).end('bad gateway'));
    expect(await statusWith(await startGuarded())).toBe(503);
    await flow?.stop({ drainTimeoutMs: 0 });
    jwks.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"no":"keys"}'));
    expect(await statusWith(await startGuarded())).toBe(503);
  });

  it('refetches at a bounded rate: a failing key set is asked once for a burst of clients; unknown kids do not refetch', async () => {
    jwks.answer((res) => res.writeHead(200).end('not json'));
    const url = await startGuarded();
    const before = jwks.requests();
    for (let i = 0; i < 5; i++) expect(await statusWith(url)).toBe(503);
    // One fetch, then 503 at once for the retry window (5 s) without asking again.
    expect(jwks.requests() - before).toBe(1);

    await flow?.stop({ drainTimeoutMs: 0 });
    jwks.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(set)));
    const fresh = await startGuarded();
    const again = jwks.requests();
    const { privateKey } = await generateKeyPair('RS256');
    for (let i = 0; i < 5; i++) {
      const stranger = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: `unknown-${i}` }).setExpirationTime('5m').sign(privateKey);
      expect(await statusWith(fresh, stranger)).toBe(401);
    }
    const client = await TestClient.connect(fresh, { headers: { authorization: `Bearer ${token}` } });
    client.send('ok');
    expect(await client.nextText()).toBe('ok');
    await client.close();
    // The first fetch only: an unknown kid refetches at most every 30 s.
    expect(jwks.requests() - again).toBe(1);
  });
});

describe('wsBackend maxPayload', () => {
  let backend: TestBackend;
  let flow: RunningFlow | undefined;
  beforeAll(async () => {
    backend = await startBackend();
  });
  afterEach(async () => {
    await flow?.stop({ drainTimeoutMs: 0 });
    flow = undefined;
    backend.reset();
  });
  afterAll(async () => {
    delete process.env.WSF_TEST_MAXPAYLOAD_BACKEND;
    await backend.stop();
  });

  const proxy = (maxPayload?: number) => `
wsflow: 1
name: proxy
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /p }
  - { id: svc, type: service }
  - { id: back, type: wsBackend, url: "\${env.WSF_TEST_MAXPAYLOAD_BACKEND}"${maxPayload === undefined ? '' : `, maxPayload: ${maxPayload}`} }
edges:
  - { from: up, to: svc }
  - { from: svc, to: back }
`;

  for (const [label, maxPayload, size] of [
    ['a configured maxPayload (1 KiB)', 1024, 1025],
    ['the default maxPayload (1 MiB)', undefined, 1024 * 1024 + 1],
  ] as const) {
    it(`${label}: a larger backend frame closes the backend with 1009 and the client with 1011, reported on the node`, async () => {
      backend.echo = false;
      // Connectors read process.env (as in wsflow run).
      process.env.WSF_TEST_MAXPAYLOAD_BACKEND = backend.url;
      flow = await start(proxy(maxPayload), { connectors: createConnectors });
      const events: TraceEvent[] = [];
      flow.subscribe((e) => events.push(e));
      const client = await TestClient.connect(`${flow.url}/p`);
      const back = await backend.nextConnection();
      back.socket.send(Buffer.alloc(size - 1, 1)); // at the limit: passes
      expect((await client.next()).length).toBe(size - 1);
      back.socket.send(Buffer.alloc(size, 1));
      expect(await client.waitClosed()).toEqual({ code: 1011, reason: 'backend message too large' });
      expect((await back.closed).code).toBe(1009);
      await waitFor('the problem event', () => events.some((e) => e.kind === 'engine' && e.code === 'WSF_WS_BACKEND_TOO_LARGE'));
    });
  }
});
