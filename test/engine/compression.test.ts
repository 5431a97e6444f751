/**
 * A service's `compression` (permessage-deflate, RFC 7692), checked two ways: by `ws` clients
 * (which reject a frame they cannot inflate) and by a hand-made client that reads the frames
 * itself (RSV1 set only from the threshold up, the payload inflates with the 00 00 ff ff tail
 * added back, as the RFC says). A broadcast reaches compressing and plain clients alike; a
 * client that limits the server's window gets frames made with that window; a service without
 * the setting negotiates nothing.
 */
import { connect, type Socket } from 'node:net';
import { constants, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { FrameReader, OPCODE_TEXT, maskedFrame, upgradeRequest, type WireFrame } from '../helpers/ws-frames.ts';
import { start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: compression
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /z, upgradePath: '' }
  - { id: svc, type: service, maxPayload: 4000000, compression: { threshold: 512 } }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text.startsWith('all:')) ctx.broadcast(text);
        else conn.send(text);
      }
  - { id: up2, type: upgrader, basePath: /plain, upgradePath: '' }
  - { id: plain, type: service }
  - id: on-plain
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: up2, to: plain }
  - { from: plain, to: on-plain }
`;

/** Compressible text: JSON-like records with repeated keys. */
function records(n: number): string {
  return JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, user: `user-${i % 17}`, room: 'lobby', text: 'hello there' })));
}

/** A client that offers permessage-deflate itself and hands over the server's frames as they are. */
async function rawClient(url: string, offer: string): Promise<{ socket: Socket; agreed: string; send(text: string): void; next(): Promise<WireFrame> }> {
  const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
  let buffered = Buffer.alloc(0);
  const reader = new FrameReader();
  const frames: WireFrame[] = [];
  let agreed = '';
  const headDone = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      if (agreed) {
        frames.push(...reader.push(chunk));
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head));
      agreed = /sec-websocket-extensions: (.*)/i.exec(head)?.[1] ?? 'none';
      frames.push(...reader.push(buffered.subarray(end + 4)));
      resolve();
    });
  });
  socket.write(upgradeRequest(url, [`Sec-WebSocket-Extensions: ${offer}`]));
  await headDone;
  return {
    socket,
    agreed,
    send(text: string) {
      socket.write(maskedFrame(OPCODE_TEXT, Buffer.from(text)));
    },
    async next() {
      await waitFor('a frame from the server', () => frames.length > 0 || undefined, 10_000);
      return frames.shift()!;
    },
  };
}

function inflate(payload: Buffer, windowBits = 15): string {
  // A message ends with a sync flush, not a final block (RFC 7692 §7.2.2).
  return inflateRawSync(Buffer.concat([payload, Buffer.from([0x00, 0x00, 0xff, 0xff])]), { windowBits, finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
}

describe('service compression (permessage-deflate)', () => {
  let running: RunningFlow;
  beforeAll(async () => {
    running = await start(FLOW);
  });
  afterAll(async () => {
    await running.stop({ drainTimeoutMs: 1000 });
  });

  it('compresses a message from the threshold up, no context takeover, readable by the RFC alone', async () => {
    const c = await rawClient(`${running.url}/z`, 'permessage-deflate; client_max_window_bits');
    expect(c.agreed).toMatch(/permessage-deflate/);
    expect(c.agreed).toMatch(/server_no_context_takeover/);
    c.send('small');
    const small = await c.next();
    expect(small.rsv1).toBe(false);
    expect(small.payload.toString()).toBe('small');
    const text = records(200);
    // The client's own frames are plain (it did not compress): the server takes both.
    for (const round of [1, 2]) {
      c.send(text.slice(0, 60_000));
      const big = await c.next();
      expect(big.rsv1, `round ${round}`).toBe(true);
      expect(big.opcode).toBe(1);
      expect(big.payload.length).toBeLessThan(60_000 / 5);
      // Each message inflates on its own: nothing of the previous one is needed.
      expect(inflate(big.payload)).toBe(text.slice(0, 60_000));
    }
    c.socket.destroy();
  });

  it('broadcasts one compressed message to compressing clients and a plain one to the others', async () => {
    const zipped = await Promise.all([1, 2].map(() => TestClient.connect(`${running.url}/z`)));
    const plain = await TestClient.connect(`${running.url}/z`, { perMessageDeflate: false });
    expect(zipped[0]!.socket.extensions).toBe('permessage-deflate');
    expect(plain.socket.extensions).toBe('');
    const text = 'all:' + records(2000);
    const readBefore = zipped.map((z) => (z.socket as WebSocket & { _socket: Socket })._socket.bytesRead);
    // ws compresses what this client sends from 1 KiB up: the server inflates it.
    zipped[0]!.send(text);
    for (const z of zipped) expect(await z.nextText()).toBe(text);
    expect(await plain.nextText()).toBe(text);
    const onWire = zipped.map((z, i) => (z.socket as WebSocket & { _socket: Socket })._socket.bytesRead - readBefore[i]!);
    for (const bytes of onWire) expect(bytes).toBeLessThan(text.length / 5);
    await Promise.all([...zipped, plain].map((c) => c.close()));
  });

  it('compresses with the window a client allows (server_max_window_bits)', async () => {
    const c = await rawClient(`${running.url}/z`, 'permessage-deflate; server_max_window_bits=10');
    expect(c.agreed).toMatch(/server_max_window_bits=10/);
    const text = records(3000).slice(0, 100_000);
    c.send(text.slice(0, 65_000));
    const frame = await c.next();
    expect(frame.rsv1).toBe(true);
    // Inflating with a 1 KiB window fails on any back-reference beyond it.
    expect(inflate(frame.payload, 10)).toBe(text.slice(0, 65_000));
    c.socket.destroy();
  });

  it('negotiates nothing on a service without compression', async () => {
    const c = await TestClient.connect(`${running.url}/plain`);
    expect(c.socket.extensions).toBe('');
    c.send(records(100));
    expect(await c.nextText()).toBe(records(100));
    await c.close();
  });
});
