import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: routing
listener: { port: 0 }
nodes:
  - id: chat-up
    type: upgrader
    basePath: /chat
    upgradePath: /{name}
    query:
      age: { type: integer }
      vip: { type: boolean, default: false }
    code: |
      export default function upgrade(req: UpgradeRequest): UpgradeDecision {
        if (req.params.name === 'mallory') return { accept: false, status: 401, reason: 'go away ' + req.params.name };
        if (req.params.name === 'nobody') return { accept: false };
        return {
          accept: true,
          attributes: { greeted: req.params.name, ua: req.headers['x-test'] ?? '', from: req.remoteAddress },
          protocol: req.protocols.includes('chat.v2') ? 'chat.v2' : undefined,
          firstMessage: 'Hi ' + req.params.name,
        };
      }
  - id: note-up
    type: upgrader
    basePath: /notifications
    headers:
      x-tenant: { type: string, required: true }
  - id: any-up
    type: upgrader
    basePath: /files
    upgradePath: /*
  - id: chat
    type: service
  - id: notes
    type: service
  - id: files
    type: service
  - id: chat-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.send(JSON.stringify({ service: ctx.service, params: conn.params, query: conn.query, attrs: conn.attributes, protocol: conn.protocol, path: conn.path }));
      }
  - id: notes-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.send('notes ' + conn.headers['x-tenant']);
      }
  - id: files-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.send('files ' + conn.path);
      }
edges:
  - { from: chat-up, to: chat }
  - { from: note-up, to: notes }
  - { from: any-up, to: files }
  - { from: chat, to: chat-open }
  - { from: notes, to: notes-open }
  - { from: files, to: files-open }
`;

let flow: RunningFlow;
let http: string;
beforeAll(async () => {
  flow = await start(FLOW);
  http = flow.url.replace('ws://', 'http://');
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

describe('upgrade routing', () => {
  it('routes by template, coerces declared query params and runs the upgrade snippet', async () => {
    const c = await TestClient.connect(`${flow.url}/chat/al%20ice?age=42&extra=x`, { protocols: ['chat.v1', 'chat.v2'], headers: { 'x-test': 'yes' } });
    expect(await c.next()).toBe('Hi al ice');
    const info = JSON.parse(String(await c.next()));
    expect(info).toMatchObject({
      service: 'chat',
      params: { name: 'al ice' },
      query: { age: 42, vip: false, extra: 'x' },
      attrs: { greeted: 'al ice', ua: 'yes', from: '127.0.0.1' },
      protocol: 'chat.v2',
      path: '/chat/al%20ice',
    });
    expect(c.socket.protocol).toBe('chat.v2');
    c.socket.close();
  });

  it('serves several upgraders and services on one listener', async () => {
    const n = await TestClient.connect(`${flow.url}/notifications`, { headers: { 'x-tenant': 'acme' } });
    expect(await n.next()).toBe('notes acme');
    const f = await TestClient.connect(`${flow.url}/files/a/b/c.txt`);
    expect(await f.next()).toBe('files /files/a/b/c.txt');
    n.socket.close();
    f.socket.close();
  });

  it('refuses unknown paths with 404 and a reason', async () => {
    const r = await TestClient.rejection(`${flow.url}/nope`);
    expect(r.status).toBe(404);
    expect(r.body).toContain('no WebSocket service at /nope');
    expect((await TestClient.rejection(`${flow.url}/chat`)).status).toBe(404);
  });

  it('refuses wrong query types and missing required headers with 400', async () => {
    const r = await TestClient.rejection(`${flow.url}/chat/bob?age=old`);
    expect(r).toEqual({ status: 400, body: 'query parameter "age" must be an integer\n' });
    const b = await TestClient.rejection(`${flow.url}/chat/bob?vip=maybe`);
    expect(b.body).toBe('query parameter "vip" must be true or false\n');
    const h = await TestClient.rejection(`${flow.url}/notifications`);
    expect(h).toEqual({ status: 400, body: 'header "x-tenant" is required\n' });
  });

  it('lets the upgrade snippet refuse with a status and reason', async () => {
    const trace = collect(flow);
    expect(await TestClient.rejection(`${flow.url}/chat/mallory`)).toEqual({ status: 401, body: 'go away mallory\n' });
    expect(await TestClient.rejection(`${flow.url}/chat/nobody`)).toEqual({ status: 403, body: 'upgrade refused\n' });
    trace.stop();
    const rejected = trace.events.filter((e) => e.kind === 'connection' && e.state === 'rejected');
    expect(rejected).toEqual(expect.arrayContaining([expect.objectContaining({ status: 401, path: '/chat/mallory', upgraderId: 'chat-up' })]));
  });

  it('answers /healthz with 200 ok and other plain requests with 426 or 404', async () => {
    const health = await fetch(`${http}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
    expect((await fetch(`${http}/chat/bob`)).status).toBe(426);
    expect((await fetch(`${http}/elsewhere`)).status).toBe(404);
  });
});
