/**
 * The engine frames what it sends itself (runtime/engine/frames.ts): every length class of the
 * RFC 6455 header (7-bit, 16-bit, 64-bit), text with multi-byte characters and binary, for one
 * connection and for a broadcast whose one frame is written to every socket. Checked by real
 * `ws` clients, whose receiver rejects a malformed frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: frames
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /f, upgradePath: '' }
  - { id: svc, type: service, maxPayload: 200000 }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        const [how, size] = text.split(' ');
        const n = Number(size);
        const body = 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2);
        if (how === 'one') conn.send(body);
        else ctx.broadcast(body);
      }
  - id: on-binary
    type: onBinary
    code: |
      export default function onBinary(conn: Connection, data: Uint8Array, ctx: ServiceContext) {
        if (data[0] === 1) conn.send(data);
        else ctx.broadcast(data);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text, event: onText }
  - { from: svc, to: on-binary, event: onBinary }
`;

/** Byte lengths at the edges of the header's length classes. */
const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 70001, 150000];

describe('frames the engine builds', () => {
  let running: RunningFlow;
  let a: TestClient;
  let b: TestClient;
  beforeAll(async () => {
    running = await start(FLOW);
    a = await TestClient.connect(`${running.url}/f`);
    b = await TestClient.connect(`${running.url}/f`);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await running.stop();
  });

  it('sends text of every length class to one connection, multi-byte characters intact', async () => {
    for (const size of SIZES) {
      a.send(`one ${size}`);
      const got = await a.nextText();
      expect(Buffer.byteLength(got), `size ${size}`).toBe(size);
      expect(got).toBe('é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2));
    }
  });

  it('broadcasts text of every length class: both clients get the same message', async () => {
    for (const size of SIZES) {
      a.send(`all ${size}`);
      const [fromA, fromB] = await Promise.all([a.nextText(), b.nextText()]);
      expect(Buffer.byteLength(fromA), `size ${size}`).toBe(size);
      expect(fromB).toBe(fromA);
    }
  });

  it('sends and broadcasts binary of every length class, byte for byte', async () => {
    for (const size of SIZES.filter((s) => s > 0)) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) & 0xff;
      bytes[0] = 1;
      a.send(bytes);
      expect(Buffer.compare((await a.next()) as Buffer, bytes), `one ${size}`).toBe(0);
      bytes[0] = 2;
      a.send(bytes);
      const [fromA, fromB] = await Promise.all([a.next(), b.next()]);
      expect(Buffer.compare(fromA as Buffer, bytes), `all ${size}`).toBe(0);
      expect(Buffer.compare(fromB as Buffer, bytes)).toBe(0);
    }
  });
});
