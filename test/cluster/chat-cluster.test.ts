/**
 * Two real engine processes of the chat sample against one real redis-server: users on either
 * instance are in one room (joins, messages in order per sender, leaves), the unique-name check
 * uses state written by the other instance, and a Redis crash is survived and recovered from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TestClient } from '../helpers/ws-client.ts';
import { startInstance, type Instance } from './instances.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

let redis: TestRedis;
let a: Instance;
let b: Instance;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([startInstance(redis.url), startInstance(redis.url)]);
});

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

async function join(instance: Instance, name: string, query = ''): Promise<TestClient> {
  const client = await TestClient.connect(`${instance.url}/chat/${name}${query}`);
  clients.push(client);
  expect(await client.nextText()).toBe(`Hi ${name}! You have successfully connected to the chat`);
  return client;
}

/** The next `count` texts of a client, in arrival order. */
async function texts(client: TestClient, count: number, waitMs = 10_000): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(await client.nextText(waitMs));
  return out;
}

async function nextNotProbe(client: TestClient): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = await client.nextText();
    if (!text.startsWith('ann: probe')) return text;
  }
  throw new Error('only probes arrived');
}

function bySender(lines: string[], sender: string): string[] {
  return lines.filter((line) => line.startsWith(`${sender}: `));
}

describe('chat sample on two instances sharing Redis', () => {
  it('puts users of both instances in one room, in order per sender', async () => {
    const alice = await join(a, 'alice', '?age=30');
    expect(await alice.nextText()).toBe('alice with age 30 connected to chat');
    const bob = await join(b, 'bob');
    expect(await bob.nextText()).toBe('bob connected to chat');
    expect(await alice.nextText()).toBe('bob connected to chat');

    const n = 40;
    for (let i = 0; i < n; i++) {
      alice.send(`a${i}`);
      bob.send(`b${i}`);
    }
    const expectedA = Array.from({ length: n }, (_, i) => `alice: a${i}`);
    const expectedB = Array.from({ length: n }, (_, i) => `bob: b${i}`);
    for (const client of [alice, bob]) {
      const got = await texts(client, 2 * n);
      expect(bySender(got, 'alice')).toEqual(expectedA);
      expect(bySender(got, 'bob')).toEqual(expectedB);
    }

    // A user on B with a name taken on A is refused: B reads the state A wrote.
    const impostor = await TestClient.connect(`${b.url}/chat/alice`);
    clients.push(impostor);
    expect(await impostor.nextText()).toBe('Hi alice! You have successfully connected to the chat');
    expect(await impostor.closed).toEqual({ code: 1003, reason: 'Username already exists.' });
    const direct = new Redis(redis.url);
    try {
      expect(await direct.hget('wsflow:chat-app:chat:state', 'user:alice')).toBe('1');
    } finally {
      direct.disconnect();
    }

    // A leave on B reaches A, after everything bob said before it.
    bob.send('bye');
    await bob.close();
    expect(await texts(alice, 2)).toEqual(['bob: bye', 'bob left the chat']);
    // Nobody else heard from the refused impostor.
    expect(await alice.drain(200)).toEqual([]);

    // Bob's name is free again, for either instance.
    const bob2 = await join(a, 'bob');
    expect(await bob2.nextText()).toBe('bob connected to chat');
    expect(await alice.nextText()).toBe('bob connected to chat');
    await bob2.close();
    expect(await alice.nextText()).toBe('bob left the chat');
    await alice.close();
    // Let alice's onClose finish before the next test joins the room.
    const check = new Redis(redis.url);
    try {
      await waitFor('alice to have left', async () => (await check.hget('wsflow:chat-app:chat:state', 'user:alice')) === '0');
    } finally {
      check.disconnect();
    }
  });

  it('keeps serving local clients while Redis is down and recovers cross-instance delivery', async () => {
    // Ben (on B) joins first and waits for each later announcement from A: a join announced on A
    // reaches B through Redis whenever B reads it, so a client joining B right after could still
    // get it late, after its own greeting.
    const ben = await join(b, 'ben');
    expect(await ben.nextText()).toBe('ben connected to chat');
    const ann = await join(a, 'ann');
    expect(await ann.nextText()).toBe('ann connected to chat');
    expect(await ben.nextText()).toBe('ann connected to chat');
    const amy = await join(a, 'amy');
    expect(await texts(amy, 1)).toEqual(['amy connected to chat']);
    expect(await ann.nextText()).toBe('amy connected to chat');
    expect(await ben.nextText()).toBe('amy connected to chat');

    await redis.kill();
    // Each instance notices on its own; give both a moment so the test exercises the outage.
    await waitFor('both instances to report the outage', () => a.output().includes('is unreachable') && b.output().includes('is unreachable'), 10_000);

    ann.send('only A hears this');
    expect(await ann.nextText()).toBe('ann: only A hears this');
    expect(await amy.nextText()).toBe('ann: only A hears this');
    ben.send('only B hears this');
    expect(await ben.nextText()).toBe('ben: only B hears this');
    expect(await ann.drain(300)).toEqual([]);

    // A join needs the shared name check: it fails as a located snippet error, not a crash.
    const carl = await join(a, 'carl');
    await waitFor('the state error to be reported', () => /state\.incr\(\\?"user:carl\\?"\) failed: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unavailable/.test(a.output()), 5_000);
    expect(await ann.drain(300)).toEqual([]);
    carl.socket.terminate();

    await redis.restart();
    // Probe until a message from A reaches B again (bounded); then normal traffic both ways.
    let probe = 0;
    await waitFor(
      'cross-instance delivery to recover',
      async () => {
        ann.send(`probe ${probe++}`);
        const seen = await ben.drain(250);
        return seen.some((m) => typeof m === 'string' && m.startsWith('ann: probe'));
      },
      20_000,
    );
    ben.send('back');
    // Late probes may still be on their way; skip them, nothing else may come first.
    for (const client of [ann, amy, ben]) expect(await nextNotProbe(client)).toBe('ben: back');

    for (const instance of [a, b]) {
      expect(instance.child.exitCode).toBeNull();
      expect(instance.output().match(/is unreachable/g)).toHaveLength(1);
      expect(instance.output()).toMatch(/is reachable again after [\d.]+ s; \d+ deliveries could not reach other instances meanwhile/);
    }
    // A's two broadcasts during the outage ("only A hears this" was one) were counted, not lost silently.
    expect(a.output()).toMatch(/reachable again after [\d.]+ s; [1-9]\d* deliveries/);
  });
});
