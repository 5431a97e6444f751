/**
 * Large messages cross between the engine and the handler host as bytes (runtime/engine/host/
 * wire.ts): shared towards the handler, transferred back, a relayed text sent back as the very
 * bytes it came in. What a client sees must not change: text intact (multi-byte characters
 * across the whole message), each path (reply, relay, broadcast, targeted send, a checked
 * message shape) and a large event replayed on a fresh handler host after the old one was stuck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: large
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /l, upgradePath: '' }
  - { id: svc, type: service, maxPayload: 4000000 }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'spin') for (;;) {}
        const how = text.slice(0, 6);
        if (how === 'relay:') ctx.broadcast(text);
        else if (how === 'upper:') conn.send(text.toUpperCase());
        else if (how === 'to-me:') ctx.sendTo([conn.id], text);
        else if (how === 'count:') conn.send(String(text.length));
        else conn.send(text);
      }
  - { id: up3, type: upgrader, basePath: /slow, upgradePath: '' }
  - { id: slow, type: service, maxPayload: 4000000 }
  - id: on-slow
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string) {
        await new Promise((r) => setTimeout(r, 50));
        conn.send(String(text.length));
      }
  - { id: up2, type: upgrader, basePath: /shaped, upgradePath: '' }
  - id: shaped
    type: service
    maxPayload: 4000000
    validateIncoming: true
    messages:
      incoming:
        - name: Body
          schema: { type: object, required: [body], properties: { body: { type: string } } }
  - id: on-shaped
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(String(JSON.parse(text).body.length));
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: up3, to: slow }
  - { from: slow, to: on-slow }
  - { from: up2, to: shaped }
  - { from: shaped, to: on-shaped }
`;

/** Text of `n` characters mixing 1-, 2-, 3- and 4-byte UTF-8 sequences. */
function mixed(n: number): string {
  const alphabet = ['a', 'é', '€', '😀'];
  let s = '';
  while (s.length < n) s += alphabet[s.length % alphabet.length];
  return s;
}

describe('large messages', () => {
  let running: RunningFlow;
  let a: TestClient;
  let b: TestClient;
  beforeAll(async () => {
    // One handler host: the stuck handler and the waiting event share it (the replay case).
    running = await start(FLOW, { handlerBudgetMs: 400, handlerHosts: 1 });
    a = await TestClient.connect(`${running.url}/l`);
    b = await TestClient.connect(`${running.url}/l`);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await running.stop({ drainTimeoutMs: 1000 });
  });

  it('replies with a large text the snippet made, every character intact', async () => {
    const text = 'upper:' + mixed(300_000);
    a.send(text);
    expect(await a.nextText()).toBe(text.toUpperCase());
    const counted = 'count:' + mixed(100_000);
    a.send(counted);
    expect(await a.nextText()).toBe(String(counted.length));
  });

  it('relays a large text to every client as the bytes it came in, sender included', async () => {
    const text = 'relay:' + mixed(1_000_000);
    a.send(text);
    const [toA, toB] = await Promise.all([a.nextText(), b.nextText()]);
    expect(toA).toBe(text);
    expect(toB).toBe(text);
    // The next relay is a different message: nothing of the previous one is sent again.
    const second = 'relay:' + 'z'.repeat(20_000);
    b.send(second);
    expect(await a.nextText()).toBe(second);
    expect(await b.nextText()).toBe(second);
  });

  it('sends a large text to a listed connection and echoes texts around the size limit', async () => {
    const text = 'to-me:' + mixed(50_000);
    b.send(text);
    expect(await b.nextText()).toBe(text);
    for (const size of [16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1]) {
      const echo = 'e'.repeat(size);
      a.send(echo);
      expect(await a.nextText(), `size ${size}`).toBe(echo);
    }
  });

  it('checks a large message against the service message shape before its handler runs', async () => {
    const c = await TestClient.connect(`${running.url}/shaped`);
    const body = mixed(200_000);
    c.send(JSON.stringify({ body }));
    expect(await c.nextText()).toBe(String(body.length));
    c.send(JSON.stringify({ nobody: 'x'.repeat(200_000) }));
    expect((await c.closed).code).toBe(1007);
  });

  it('stops reading a connection whose unfinished large events hold 8 MiB, and loses nothing', async () => {
    const c = await TestClient.connect(`${running.url}/slow`);
    const mib = 'm'.repeat(1024 * 1024);
    for (let i = 0; i < 40; i++) c.send(mib);
    // Five replies take at least 250 ms; by then a server that kept reading would have taken
    // all 40 MiB off the client's socket. Bounded by bytes, it read about 8 MiB plus what it
    // finished, and the kernel holds a few MiB: the rest still waits on the client's side.
    for (let i = 0; i < 5; i++) expect(await c.nextText()).toBe(String(mib.length));
    expect(c.socket.bufferedAmount).toBeGreaterThan(8 * 1024 * 1024);
    for (let i = 5; i < 40; i++) expect(await c.nextText(20_000)).toBe(String(mib.length));
    await c.close();
  });

  it('replays a large event waiting behind a stuck handler on the fresh handler host', async () => {
    const victim = await TestClient.connect(`${running.url}/l`);
    const waiting = await TestClient.connect(`${running.url}/l`);
    victim.send('spin');
    const text = 'upper:' + mixed(500_000);
    waiting.send(text);
    expect((await victim.closed).code).toBe(1011);
    expect(await waiting.nextText(15_000)).toBe(text.toUpperCase());
    await waiting.close();
  });
});
