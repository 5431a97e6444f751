/**
 * The request target is a path and a `{param}` stays one segment (issue 18, finding 7):
 * `//chat/a10` is never read as the host `chat`, and a parameter that decodes to something with
 * `/` in it, or to `..`, is refused with 400. Raw HTTP requests: a WebSocket client would
 * normalize `%2E%2E` before sending it.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: paths
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, upgradePath: '/{name}' }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection) {
        conn.send('name=' + conn.params.name + ' path=' + conn.path);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
`;

let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW);
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 500 });
});

/** Send an upgrade request for exactly `target`; resolve with the status (101 when accepted) and body. */
function upgrade(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: flow.port,
      path: target,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request paths', () => {
  it('serves a plain single-segment parameter, percent-decoded', async () => {
    const c = await TestClient.connect(`${flow.url}/al%20ice`);
    expect(await c.next()).toBe('name=al ice path=/al%20ice');
    c.socket.close();
    expect((await upgrade('/a10')).status).toBe(101);
  });

  it('reads //chat/a10 as a path (no route matches it), never as the host "chat" with the path /a10', async () => {
    const r = await upgrade('//chat/a10');
    expect(r.status).toBe(404);
    expect(r.body).toContain('//chat/a10');
  });

  for (const target of ['/a%2Fb', '/..%2Fetc', '/a%5Cb', '/%2E%2E%2Fetc']) {
    it(`refuses ${target} with 400: a parameter is one segment`, async () => {
      const r = await upgrade(target);
      expect(r.status).toBe(400);
      expect(r.body).toMatch(/path parameter "name"/);
    });
  }
});
