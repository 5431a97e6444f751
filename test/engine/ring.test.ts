/**
 * The shared-memory hop (runtime/engine/host/ring.ts) on its own: two Links over a real
 * MessageChannel and real SharedArrayBuffers. The receiver must see exactly the sender's order
 * whichever path each message took (ring, postMessage, postMessage because the ring was full),
 * and payloads must come out as they went in across the ring's wrap-around.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import * as P from '../../runtime/engine/host/protocol.ts';
import { createRingPair, Link, RING_BYTES, ringTraffic } from '../../runtime/engine/host/ring.ts';
import { waitFor } from '../helpers/wait.ts';

const opened: Link[] = [];
afterEach(() => {
  for (const l of opened.splice(0)) l.close();
});

/** `to`: which end receives (the engine's, or the handler host's). */
function pair(to: 'engine' | 'host' = 'host'): { sender: Link; got: unknown[]; toReceiver: SharedArrayBuffer } {
  const { port1, port2 } = new MessageChannel();
  const rings = createRingPair();
  const sender = new Link(port1, rings, to === 'host' ? 'engine' : 'host');
  const receiver = new Link(port2, rings, to);
  const got: unknown[] = [];
  receiver.listen((msg) => got.push(msg));
  sender.listen(() => undefined);
  opened.push(sender, receiver);
  // Nothing may keep the test process alive once the links are closed.
  port1.unref();
  port2.unref();
  return { sender, got, toReceiver: to === 'host' ? rings.toHost : rings.toEngine };
}

describe('the ring hop', () => {
  it('delivers posted messages and ring batches in the order they were sent', async () => {
    const { sender, got } = pair();
    const before = ringTraffic.written;
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const sent: unknown[] = [
      { type: 'open', n: 1 },
      [1, P.EV_TEXT, 7, 'héllo ✓ 𝄞'],
      [2, P.EV_BINARY, 7, bytes, P.EV_TEXT, 8, ''],
      { type: 'config' },
      [3, P.EV_TEXT, 7, 'after config'],
      // an object payload cannot take the ring: the whole batch is posted
      [4, P.EV_OPEN, 9, { id: 'c9' }, P.EV_TEXT, 9, 'x'],
      // nor can an op of the other direction (their numbers overlap): EV_SOCKERR is ACT_DONE's 5
      [5, P.EV_SOCKERR, 9, 'reset', P.EV_CLOSE, 9, 1006, ''],
      // large payloads cross as shared bytes (wire.ts), never through the ring
      [6, P.EV_TEXT, 7, 'L'.repeat(20_000)],
      [7],
    ];
    for (const m of sent) {
      if (Array.isArray(m)) sender.batch(m);
      else sender.post(m);
    }
    // a received text the engine forwards as its UTF-8 bytes comes out as text
    sender.batch([8, P.EV_TEXT, 2, Buffer.from('bytes ✓')]);
    await waitFor('every message', () => got.length === sent.length + 1);
    expect(got).toEqual([...sent, [8, P.EV_TEXT, 2, 'bytes ✓']]);
    // batches 1, 2, 3, 7 and 8 took the ring
    expect(ringTraffic.written - before).toBe(5);
  });

  it("hands the engine a reply's text as its UTF-8 bytes, to be framed as they are", async () => {
    const { sender, got } = pair('engine');
    const before = ringTraffic.written;
    const batches = [
      [1, P.ACT_SEND_DONE, 4, 'héllo', P.ACT_SEND, 5, new Uint8Array([1, 2]), P.ACT_DONE, 6],
      // ACT_BROADCAST is EV_BINARY's 2, with another arity: posted as it is
      [2, P.ACT_BROADCAST, 0, 'all', null],
    ];
    for (const b of batches) sender.batch(b);
    await waitFor('the batches', () => got.length === 2);
    expect(got).toEqual([[1, P.ACT_SEND_DONE, 4, { utf8: new Uint8Array(Buffer.from('héllo')) }, P.ACT_SEND, 5, new Uint8Array([1, 2]), P.ACT_DONE, 6], batches[1]]);
    expect(ringTraffic.written - before).toBe(1);
  });

  it('delivers the ring records written before a posted message first when the message overtakes the wake-up', async () => {
    const { sender, got, toReceiver } = pair();
    // Across threads the port message may be dispatched before the reader's Atomics wake-up:
    // here the wake-up never comes (the reader looks busy, so the writer does not notify).
    Atomics.store(new Int32Array(toReceiver, 0, 4), 2, 0);
    sender.batch([1, P.EV_TEXT, 3, 'first']);
    sender.post({ type: 'reload' });
    await waitFor('the posted message', () => got.length === 2);
    expect(got).toEqual([[1, P.EV_TEXT, 3, 'first'], { type: 'reload' }]);
  });

  it('keeps the order when the ring fills up and batches fall back to postMessage, and across its wrap-around', async () => {
    const { sender, got } = pair();
    const text = (i: number) => `${i}:` + 'ü'.repeat(200 + (i % 97));
    const sent: unknown[][] = [];
    let i = 0;
    // Three rounds, each far more than the ring holds, written without yielding (the reader
    // cannot drain meanwhile: the ring fills, the rest is posted); then the reader catches up.
    for (let round = 0; round < 3; round++) {
      const until = i + Math.ceil((2 * RING_BYTES) / 400);
      for (; i < until; i++) {
        const b = i % 5 === 0 ? [i, P.EV_BINARY, i, new Uint8Array([i & 255, (i >> 8) & 255])] : [i, P.EV_TEXT, i, text(i)];
        sent.push(b);
        sender.batch(b);
      }
      await waitFor(`round ${round}`, () => got.length === sent.length);
    }
    expect(got).toEqual(sent);
  });
});
