/**
 * Hostile input over raw TCP: frames no honest client sends are answered with the close code
 * RFC 6455 prescribes, a half-sent frame is cut after the frame timeout, a handshake trickled
 * byte by byte (slowloris) is dropped after the handshake timeout, and other connections are
 * served all along.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO, start } from '../engine/helpers.ts';
import { nothingWithin, waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { frame, rawHandshake } from './raw.ts';

const FLOW = ECHO.replace('- { id: svc, type: service }', '- { id: svc, type: service, maxPayload: 1024, limits: { frameTimeoutMs: 600 } }').replace(
  'listener: { port: 0 }',
  'listener: { port: 0 }\nsettings: { handshakeTimeoutMs: 1000 }',
);

let flow: RunningFlow;
let bystander: TestClient;
beforeAll(async () => {
  flow = await start(FLOW);
  bystander = await TestClient.connect(`${flow.url}/chat`);
});
afterAll(async () => {
  bystander.socket.terminate();
  await flow.stop({ drainTimeoutMs: 0 });
});

async function bystanderServed(): Promise<void> {
  bystander.send('still here');
  expect(await bystander.nextText()).toBe('still here');
}

describe('malformed frames', () => {
  const cases: [string, Buffer, number][] = [
    ['a reserved opcode (0x3)', frame(0x3, Buffer.from('x')), 1002],
    ['an unmasked client frame', frame(0x1, Buffer.from('hello'), { masked: false }), 1002],
    // RFC 6455 says the top bit must be 0; ws reports any length past 2^53 as too big
    ['a 64-bit length with the top bit set', Buffer.from([0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]), 1009],
    ['a bad length: a control frame longer than 125 bytes', frame(0x9, Buffer.alloc(126)), 1002],
    ['a fragmented control frame', frame(0x9, Buffer.from('p'), { fin: false }), 1002],
    ['reserved bits without an extension (RSV1)', frame(0x1, Buffer.from('x'), { rsv: 4 }), 1002],
    ['reserved bits RSV2+RSV3', frame(0x1, Buffer.from('x'), { rsv: 3 }), 1002],
    ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0xc3, 0x28, 0xff])), 1007],
    ['a payload over maxPayload', frame(0x2, Buffer.alloc(2048)), 1009],
  ];
  for (const [what, bytes, code] of cases) {
    it(`${what} -> ${code}`, async () => {
      const peer = await rawHandshake(flow.port, '/chat');
      peer.socket.write(bytes);
      expect(await peer.closeCode()).toBe(code);
      await peer.ended;
      await bystanderServed();
    });
  }
});

describe('unfinished frames and slow handshakes', () => {
  it('closes a connection that leaves a frame half sent (1008 after frameTimeoutMs)', async () => {
    const peer = await rawHandshake(flow.port, '/chat');
    // the first two header bytes of a 16-bit-length text frame, and nothing more
    peer.socket.write(Buffer.from([0x81, 0xfe]));
    expect(await peer.closeCode(15_000)).toBe(1008);
    await peer.ended;
    await bystanderServed();
  });

  it('keeps a connection whose frames complete (no false positive)', async () => {
    const peer = await rawHandshake(flow.port, '/chat');
    const f = frame(0x1, Buffer.from('split'));
    peer.socket.write(f.subarray(0, 3));
    // A slow peer is the point: the frame stays half sent for a third of the frame timeout, and
    // the server neither answers nor closes meanwhile.
    await nothingWithin('an answer to half a frame', () => peer.received().length > 0 || peer.socket.destroyed, 200);
    peer.socket.write(f.subarray(3));
    const echo = frame(0x1, Buffer.from('split'), { masked: false });
    await waitFor('the echo', () => peer.received().length >= echo.length);
    expect(peer.received()).toEqual(echo);
    // An absence needs a window: no close frame within twice the frame timeout.
    await nothingWithin('a close', () => peer.received().length > echo.length || peer.socket.destroyed, 1200);
    peer.socket.destroy();
  });

  it('drops a handshake trickled byte by byte after the handshake timeout (slowloris)', async () => {
    const socket = connect(flow.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const request = `GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${'X-Pad: y\r\n'.repeat(100)}`;
    let i = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write(request[i++ % request.length] as string);
    }, 50);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    // 408 names the cause: the handshake timeout (bytes kept coming, so no idle-socket timeout
    // could end it); the test's own timeout bounds the wait instead of a wall-clock assertion.
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await bystanderServed();
  });
});
