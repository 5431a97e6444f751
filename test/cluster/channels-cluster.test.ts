/**
 * Channels across three `wsflow run` instances of samples/rooms.wsflow.yaml over one real
 * redis-server (docs/channels.md): one offset sequence per room, one order and exactly once on
 * every instance, recovery on another instance, and a Redis crash (SIGKILL) and restart: local
 * delivery goes on, a recovery across the outage reports the gap (resync), sharing resumes and
 * nothing is delivered twice.
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { startInstance, type Instance } from './instances.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

const ROOMS = fileURLToPath(new URL('../../samples/rooms.wsflow.yaml', import.meta.url));

interface Envelope {
  channel: string;
  offset: number;
  data: unknown;
}

let redis: TestRedis;
let instances: Instance[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  instances = await Promise.all([0, 1, 2].map(() => startInstance(redis.url, ROOMS)));
}, 300_000);

afterAll(async () => {
  for (const c of clients) c.socket.terminate();
  await Promise.all(instances.map((i) => i.stop()));
  await redis?.stop();
});

/** `since=0` in a fresh room: whenever its subscription lands, the client gets every message from offset 1. */
async function join(instance: Instance, room: string, since = 0): Promise<TestClient> {
  const client = await TestClient.connect(`${instance.url}/rooms/${room}?since=${since}`);
  clients.push(client);
  return client;
}

async function envelopes(client: TestClient, count: number): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (let i = 0; i < count; i++) out.push(await client.nextJson<Envelope>(15_000));
  return out;
}

const at = (i: number) => instances[i] as Instance;
const increasing = (list: Envelope[]) => list.every((e, i) => i === 0 || e.offset > (list[i - 1] as Envelope).offset);

describe('channels across instances (Redis)', () => {
  it('gives a room one offset sequence and one order on every instance, each message once', async () => {
    const [ca, cb, cc] = await Promise.all([join(at(0), 'x1'), join(at(1), 'x1'), join(at(2), 'x1')]);
    for (let i = 0; i < 15; i++) {
      ca.send(`a${i}`);
      cb.send(`b${i}`);
    }
    const seen = await Promise.all([ca, cb, cc].map((c) => envelopes(c, 30)));
    expect(seen[0]?.map((e) => e.offset)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    const data = (seen[0] ?? []).map((e) => String(e.data));
    expect(data.filter((d) => d.startsWith('a'))).toEqual(Array.from({ length: 15 }, (_, i) => `a${i}`));
    expect(data.filter((d) => d.startsWith('b'))).toEqual(Array.from({ length: 15 }, (_, i) => `b${i}`));
    expect(await cc.drain(200)).toEqual([]);
    // Numbered and recorded in Redis: the counter and a stream whose ids are the offsets.
    const direct = new Redis(redis.url);
    try {
      expect(await direct.get('wsflow:rooms:ch:rooms:room:x1:seq')).toBe('30');
      const log = await direct.xrange('wsflow:rooms:ch:rooms:room:x1:log', '-', '+');
      expect(log.map(([id]) => id)).toEqual(Array.from({ length: 30 }, (_, i) => `${i + 1}-0`));
    } finally {
      direct.disconnect();
    }
  });

  it('lets a client that left one instance recover exactly what it missed on another', async () => {
    const speaker = await join(at(0), 'x2');
    const listener = await join(at(1), 'x2');
    for (let i = 1; i <= 5; i++) speaker.send(`m${i}`);
    const before = await envelopes(listener, 5);
    await envelopes(speaker, 5);
    await listener.close();
    for (let i = 6; i <= 10; i++) speaker.send(`m${i}`);
    const missed = await envelopes(speaker, 5);
    const back = await join(at(2), 'x2', before.at(-1)?.offset ?? 0);
    expect(await envelopes(back, 5)).toEqual(missed);
    speaker.send('live');
    expect(await back.nextJson<Envelope>(15_000)).toEqual({ channel: 'room:x2', offset: 11, data: 'live' });
    expect(await back.drain(200)).toEqual([]);
  });

  it('keeps local delivery while Redis is down, reports the gap, and shares again once it is back, never twice', async () => {
    const a1 = await join(at(0), 'x3');
    const b1 = await join(at(1), 'x3');
    a1.send('before');
    const [first] = await envelopes(b1, 1);
    const seenA = await envelopes(a1, 1);
    const seenB: Envelope[] = first ? [first] : [];

    await redis.kill();
    a1.send('during');
    // Local delivery goes on: the sender's own instance still delivers it, numbered there.
    const during = await a1.nextJson<Envelope>(15_000);
    expect(during).toMatchObject({ channel: 'room:x3', data: 'during' });
    expect(during.offset).toBeGreaterThan(first?.offset ?? 0);
    seenA.push(during);
    // A recovery from before the outage cannot be proven complete: resync.
    const gap = await join(at(0), 'x3', first?.offset ?? 0);
    expect(await gap.nextJson(15_000)).toEqual({ type: 'resync' });

    await redis.restart();
    // Sharing resumes once both sides are reconnected: probe from A until B hears it.
    let probes = 0;
    await waitFor('B to hear A again', async () => {
      a1.send(`probe ${++probes}`);
      seenA.push(await a1.nextJson<Envelope>(15_000));
      const heard = (await b1.drain(0)).map((m) => JSON.parse(String(m)) as Envelope);
      seenB.push(...heard);
      return heard.length > 0;
    }, 60_000, 250);
    b1.send('after');
    const afterB = await b1.nextJson<Envelope>(15_000);
    seenB.push(afterB);
    for (;;) {
      const next = await a1.nextJson<Envelope>(15_000);
      seenA.push(next);
      if (next.data === 'after') break;
    }
    expect(increasing(seenA)).toBe(true);
    expect(increasing(seenB)).toBe(true);
    expect(new Set(seenA.map((e) => e.data)).size).toBe(seenA.length);
    expect(new Set(seenB.map((e) => e.data)).size).toBe(seenB.length);
    // B never got what A published alone while Redis was down.
    expect(seenB.map((e) => e.data)).not.toContain('during');
    // Redis lost everything (no persistence): a recovery from before the outage is a resync on any instance.
    const late = await join(at(2), 'x3', first?.offset ?? 0);
    expect(await late.nextJson(15_000)).toEqual({ type: 'resync' });
  });
});
