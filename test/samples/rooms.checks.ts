/** Chat rooms on channels (samples/rooms.wsflow.yaml): order, exactly once, recovery, resync. */
import { describe, expect, it } from 'vitest';
import type { TestClient } from '../helpers/ws-client.ts';
import { freshService, type StartTarget } from './target.ts';

interface Envelope {
  channel: string;
  offset: number;
  data: unknown;
}

/** The next `count` envelopes a client gets. */
async function envelopes(client: TestClient, count: number): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (let i = 0; i < count; i++) out.push(await client.nextJson<Envelope>());
  return out;
}

export function roomsChecks(start: StartTarget): void {
  describe('rooms sample', () => {
    const service = freshService(start, 'rooms');

    it('delivers every message of a room once, in one order, with consecutive offsets, to every member and to no other room', async () => {
      const { url } = await service.start();
      const a = await service.pool.connect(`${url}/rooms/lobby`);
      const b = await service.pool.connect(`${url}/rooms/lobby`);
      const other = await service.pool.connect(`${url}/rooms/kitchen`);
      // Both senders interleave without waiting: the room still has one order.
      for (let i = 0; i < 20; i++) {
        a.send(`a${i}`);
        b.send(`b${i}`);
      }
      const seenByA = await envelopes(a, 40);
      const seenByB = await envelopes(b, 40);
      expect(seenByB).toEqual(seenByA);
      expect(seenByA.map((e) => e.offset)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(seenByA.map((e) => e.channel))).toEqual(new Set(['room:lobby']));
      // Each sender's messages keep the order they were sent in, none lost or doubled.
      expect(seenByA.map((e) => e.data).filter((d) => String(d).startsWith('a'))).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
      expect(seenByA.map((e) => e.data).filter((d) => String(d).startsWith('b'))).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
      expect(await other.drain(200)).toEqual([]);
      other.send('hello kitchen');
      expect(await other.nextJson<Envelope>()).toEqual({ channel: 'room:kitchen', offset: 1, data: 'hello kitchen' });
    });

    it('replays exactly what a client missed during a one-second disconnect, then goes on live', async () => {
      const { url } = await service.start();
      const a = await service.pool.connect(`${url}/rooms/r1`);
      let b = await service.pool.connect(`${url}/rooms/r1`);
      a.send('before');
      const seen = (await b.nextJson<Envelope>()).offset;
      await a.nextJson();
      await b.close();
      // b stays away a full second while a talks: three messages, a second in which a must get
      // nothing more (no duplicate of its own messages), then two more.
      const missed: Envelope[] = [];
      const say = async (text: string) => {
        a.send(text);
        missed.push(await a.nextJson<Envelope>());
      };
      for (const text of ['away 1', 'away 2', 'away 3']) await say(text);
      expect(await a.drain(1000)).toEqual([]);
      for (const text of ['away 4', 'away 5']) await say(text);
      b = await service.pool.connect(`${url}/rooms/r1?since=${seen}`);
      expect(await envelopes(b, missed.length)).toEqual(missed);
      a.send('after');
      const live = await b.nextJson<Envelope>();
      expect(live).toEqual({ channel: 'room:r1', offset: (missed.at(-1)?.offset ?? 0) + 1, data: 'after' });
      expect(await b.drain(150)).toEqual([]);
    });

    it('tells a client whose gap is longer than the history to resync, replays nothing, and keeps it live', async () => {
      const { url } = await service.start();
      const a = await service.pool.connect(`${url}/rooms/r2`);
      a.send('first');
      const seen = (await a.nextJson<Envelope>()).offset;
      // The room keeps 100 messages: 101 more push the one after `seen` out.
      for (let i = 0; i < 101; i++) a.send(`m${i}`);
      const last = (await envelopes(a, 101)).at(-1)?.offset ?? 0;
      const b = await service.pool.connect(`${url}/rooms/r2?since=${seen}`);
      expect(await b.nextJson()).toEqual({ type: 'resync' });
      a.send('live');
      expect(await b.nextJson<Envelope>()).toEqual({ channel: 'room:r2', offset: last + 1, data: 'live' });

      // Up to date (since = last offset): nothing to replay, no resync.
      const c = await service.pool.connect(`${url}/rooms/r2?since=${last + 1}`);
      a.send('next');
      expect(await c.nextJson<Envelope>()).toEqual({ channel: 'room:r2', offset: last + 2, data: 'next' });
    });
  });
}
