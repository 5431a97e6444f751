/**
 * The hand-written framing (test/helpers/ws-frames.ts) against `ws` as the server, through the
 * bench's raw load client that uses it: a short, a 16-bit and a 64-bit length, a message sent
 * in fragments, and frames split across TCP chunks at every byte.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connectRaw } from '../../bench/load/raw-client.ts';
import { FrameReader } from './ws-frames.ts';
import { waitFor } from './wait.ts';

let server: WebSocketServer;
let url: string;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/x?y=1`;
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      const text = Buffer.from(data as Buffer).toString('utf8');
      if (text === 'fragments') {
        socket.send('one-', { fin: false });
        socket.send('two-', { fin: false });
        socket.send('three', { fin: true });
      } else socket.send(isBinary ? data : text);
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  server.close();
  await once(server, 'close');
});

it('echoes short, 16-bit and 64-bit length messages and joins fragments', async () => {
  const client = await connectRaw(url);
  const got: string[] = [];
  client.onMessage((data) => got.push(data.toString('utf8')));
  const sent = ['hi', 'x'.repeat(300), 'y'.repeat(70_000)];
  for (const text of sent) client.send(text);
  client.send('fragments');
  await waitFor('four messages back', () => got.length >= 4 || undefined, 10_000);
  expect(got).toEqual([...sent, 'one-two-three']);
  client.close();
});

it('reads frames that arrive one byte at a time', () => {
  const frame = Buffer.concat([Buffer.from([0x81, 126, 0x01, 0x00]), Buffer.alloc(256, 0x61)]);
  const reader = new FrameReader();
  const frames = [];
  for (let i = 0; i < frame.length; i++) frames.push(...reader.push(frame.subarray(i, i + 1)));
  expect(frames).toHaveLength(1);
  expect(frames[0]).toMatchObject({ fin: true, rsv1: false, opcode: 1 });
  expect(frames[0]!.payload.toString()).toBe('a'.repeat(256));
});
