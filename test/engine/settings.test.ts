import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { nothingWithin, waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: settings
listener: { port: 0 }
nodes:
  - { id: proto-up, type: upgrader, basePath: /proto }
  - { id: small-up, type: upgrader, basePath: /small }
  - { id: idle-up, type: upgrader, basePath: /idle }
  - { id: beat-up, type: upgrader, basePath: /beat }
  - { id: strict-up, type: upgrader, basePath: /strict }
  - { id: proto, type: service, subprotocols: [v2.chat, v1.chat] }
  - { id: small, type: service, maxPayload: 16 }
  - { id: idle, type: service, idleTimeoutMs: 300 }
  - { id: beat, type: service, heartbeatMs: 150 }
  - id: strict
    type: service
    validateIncoming: true
    messages:
      incoming:
        - name: Join
          schema: { type: object, required: [type, user], properties: { type: { const: join }, user: { type: string } } }
        - name: Say
          schema: { type: object, required: [type, text], properties: { type: { const: say }, text: { type: string } } }
  - id: echo-proto
    type: onText
    code: |
      export default (conn: Connection, text: string) => conn.send(conn.protocol + ':' + text);
  - id: echo-small
    type: onText
    code: |
      export default (conn: Connection, text: string) => conn.send(text);
  - id: small-error
    type: onError
    code: |
      export default (conn: Connection, error: HandlerError) => { console.log('socket error', error.code); };
  - id: echo-idle
    type: onText
    code: |
      export default (conn: Connection, text: string) => conn.send(text);
  - id: echo-beat
    type: onText
    code: |
      export default (conn: Connection, text: string) => conn.send(text);
  - id: echo-strict
    type: onText
    code: |
      export default (conn: Connection, text: string) => conn.send('valid ' + text);
edges:
  - { from: proto-up, to: proto }
  - { from: small-up, to: small }
  - { from: idle-up, to: idle }
  - { from: beat-up, to: beat }
  - { from: strict-up, to: strict }
  - { from: proto, to: echo-proto }
  - { from: small, to: echo-small }
  - { from: small, to: small-error }
  - { from: idle, to: echo-idle }
  - { from: beat, to: echo-beat }
  - { from: strict, to: echo-strict }
`;

let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW);
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

describe('service settings', () => {
  it('negotiates subprotocols in the service preference order', async () => {
    const c = await TestClient.connect(`${flow.url}/proto`, { protocols: ['v1.chat', 'v2.chat'] });
    expect(c.socket.protocol).toBe('v2.chat');
    c.send('x');
    expect(await c.next()).toBe('v2.chat:x');
    c.socket.close();
    const none = await TestClient.connect(`${flow.url}/proto`);
    expect(none.socket.protocol).toBe('');
    none.socket.close();
    const bad = await TestClient.rejection(`${flow.url}/proto`, { protocols: ['v9.chat'] });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('v9.chat');
  });

  it('closes a connection that sends more than maxPayload with 1009', async () => {
    const trace = collect(flow);
    const c = await TestClient.connect(`${flow.url}/small`);
    c.send('0123456789');
    expect(await c.next()).toBe('0123456789');
    c.send('x'.repeat(17));
    expect((await c.closed).code).toBe(1009);
    // onError heard about the socket error.
    const heard = await waitFor('onError', () => trace.events.find((e) => e.kind === 'invoke' && e.nodeId === 'small-error'), 3000);
    expect(heard).toMatchObject({ event: 'error', logs: [{ message: 'socket error WSF_SOCKET_ERROR' }] });
    trace.stop();
  });

  it('closes an idle connection with 1001, and activity keeps it open', async () => {
    const c = await TestClient.connect(`${flow.url}/idle`);
    let isClosed = false;
    void c.closed.then(() => (isClosed = true));
    // Time must pass for idleness to exist: 4 x 150 ms of activity outlast the 300 ms idle timeout.
    for (let i = 0; i < 4; i++) {
      await nothingWithin('an idle close of an active connection', () => isClosed, 150);
      c.send(`k${i}`);
      expect(await c.next()).toBe(`k${i}`);
    }
    const closed = await c.closed;
    expect(closed).toEqual({ code: 1001, reason: 'idle timeout' });
  });

  it('pings peers and terminates one that does not answer', async () => {
    const good = await TestClient.connect(`${flow.url}/beat`);
    let pings = 0;
    good.socket.on('ping', () => pings++);
    const deaf = new WebSocket(`${flow.url}/beat`, { autoPong: false });
    const deafClosed = new Promise<number>((resolve) => deaf.on('close', (code) => resolve(code)));
    const code = await deafClosed;
    expect(code).toBe(1006);
    good.send('alive');
    expect(await good.next()).toBe('alive');
    expect(pings).toBeGreaterThanOrEqual(1);
    good.socket.close();
  });

  it('validates incoming JSON against the declared messages and closes with 1007 otherwise', async () => {
    const c = await TestClient.connect(`${flow.url}/strict`);
    c.send('{"type":"join","user":"u"}');
    expect(await c.next()).toBe('valid {"type":"join","user":"u"}');
    c.send('{"type":"say","text":"hi"}');
    expect(await c.next()).toBe('valid {"type":"say","text":"hi"}');
    c.send('{"type":"say"}');
    const closed = await c.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).toMatch(/^invalid message/);
    const d = await TestClient.connect(`${flow.url}/strict`);
    d.send('not json');
    expect(await d.closed).toEqual({ code: 1007, reason: 'invalid message: not JSON' });
  });
});
