/**
 * The Redis adapter while Redis crashes and comes back: local delivery goes on, what cannot cross
 * instances is counted and logged once, state fails fast with a clear error, and cross-instance
 * delivery recovers on its own.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterAdapter, Delivery } from '../../runtime/engine/contracts.ts';
import { createRedisAdapter } from '../../runtime/engine/adapters/redis.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

let redis: TestRedis;
const adapters: ClusterAdapter[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await redis?.stop();
});

async function instance() {
  const received: Delivery[] = [];
  const logs: string[] = [];
  const adapter = createRedisAdapter(redis.url, {
    flow: 'outage',
    retryMaxDelayMs: 250,
    heartbeatMs: 200,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  adapters.push(adapter);
  await adapter.start((delivery) => received.push(delivery));
  return { adapter, received, logs };
}

it('survives Redis going away and recovers cross-instance delivery when it returns', async () => {
  const a = await instance();
  const b = await instance();
  a.adapter.connectionOpened('chat', 'a1');
  b.adapter.connectionOpened('chat', 'b1');
  await waitFor('both counted', async () => (await a.adapter.connectionCount('chat')) === 2);
  a.adapter.publish({ service: 'chat', data: 'before' });
  await waitFor('B to receive "before"', () => b.received.length === 1);

  await redis.kill();
  await waitFor('both to notice', () => a.adapter.stats().redisUp === 0 && b.adapter.stats().redisUp === 0, 5_000);

  // Local delivery keeps working; cross-instance sends are counted, not thrown or queued.
  for (let i = 0; i < 50; i++) a.adapter.publish({ service: 'chat', data: `during-${i}` });
  expect(a.received.map((d) => d.data)).toEqual(['before', ...Array.from({ length: 50 }, (_, i) => `during-${i}`)]);
  // Counted at once when the command connection has noticed too, else when its publish fails
  // (no offline queue); 'redisUp' drops with the first of the two connections to notice.
  await waitFor('the 50 to be counted as undelivered', () => a.adapter.stats().undelivered === 50, 5_000);
  // One warning per outage, not one per message.
  expect(a.logs.filter((line) => line.startsWith('warn:'))).toHaveLength(1);
  expect(a.logs.find((line) => line.startsWith('warn:'))).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable/);

  // State fails fast with a clear, coded error: at once, from the connection's status, not after
  // a command that waited out its timeout ("Command timed out" in the reason).
  await expect(a.adapter.state.get('chat', 'k')).rejects.toMatchObject({
    code: 'WSF_STATE_UNAVAILABLE',
    message: expect.stringMatching(/^state\.get\("k"\) failed: Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unavailable \((?!Command timed out)/),
  });
  await expect(b.adapter.state.incr('chat', 'n', 1)).rejects.toMatchObject({ code: 'WSF_STATE_UNAVAILABLE', message: expect.not.stringContaining('timed out') });
  // Counts answer from what is known: local now plus the others as last seen.
  expect(await a.adapter.connectionCount('chat')).toBe(2);

  await redis.restart();
  await waitFor('both to reconnect', () => a.adapter.stats().redisUp === 1 && b.adapter.stats().redisUp === 1, 10_000);
  expect(a.logs.filter((line) => line.startsWith('info:') && line.includes('reachable again'))).toHaveLength(1);
  expect(a.logs.at(-1)).toMatch(/50 deliveries could not reach other instances meanwhile/);

  b.adapter.publish({ service: 'chat', data: 'after' });
  await waitFor('A to receive "after" from B', () => a.received.some((d) => d.data === 'after'), 5_000);
  a.adapter.publish({ service: 'chat', data: 'after-a' });
  await waitFor('B to receive "after-a" from A', () => b.received.some((d) => d.data === 'after-a'), 5_000);
  expect(b.received.filter((d) => String(d.data).startsWith('during-'))).toEqual([]);

  // The new (empty) Redis learns the connection counts again from the instances.
  await waitFor('counts to be rebuilt', async () => (await b.adapter.connectionCount('chat')) === 2, 5_000);
  await b.adapter.state.set('chat', 'k', 'v');
  expect(await a.adapter.state.get('chat', 'k')).toBe('v');
  expect(a.adapter.stats().outages).toBe(1);
});

it('starts while Redis is down, serves locally, and joins once it is up', async () => {
  await redis.kill();
  const logs: string[] = [];
  const received: Delivery[] = [];
  const lonely = createRedisAdapter(redis.url, {
    flow: 'outage',
    retryMaxDelayMs: 250,
    connectTimeoutMs: 300,
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  adapters.push(lonely);
  await lonely.start((delivery) => received.push(delivery));
  lonely.publish({ service: 'chat', data: 'local' });
  expect(received.map((d) => d.data)).toEqual(['local']);
  expect(logs.filter((line) => line.startsWith('warn:'))).toHaveLength(1);
  await redis.restart();
  await waitFor('the late instance to connect', () => lonely.stats().redisUp === 1, 10_000);
  await lonely.state.set('chat', 'late', 1);
  expect(await lonely.state.get('chat', 'late')).toBe(1);
});

it('bounds what piles up while Redis hangs, and recovers when it resumes', async () => {
  const make = async () => {
    const received: Delivery[] = [];
    const logs: string[] = [];
    const adapter = createRedisAdapter(redis.url, {
      flow: 'hang',
      commandTimeoutMs: 300,
      maxPendingCommands: 100,
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    adapters.push(adapter);
    await adapter.start((delivery) => received.push(delivery));
    return { adapter, received, logs };
  };
  const a = await make();
  const b = await make();
  redis.pause();
  try {
    // A burst beyond the backlog limit is kept while it is young...
    for (let i = 0; i < 150; i++) a.adapter.publish({ service: 'chat', data: `hung-${i}` });
    expect(a.adapter.stats().undelivered).toBe(0);
    // ...but once the backlog is older than the command timeout, publishes are dropped and counted.
    let sent = 150;
    const undelivered = () => a.adapter.stats().undelivered ?? 0;
    await waitFor(
      'publishes to be dropped once the backlog outlives the command timeout',
      () => {
        a.adapter.publish({ service: 'chat', data: `hung-${sent++}` });
        return undelivered() > 0;
      },
      10_000,
      50,
    );
    const dropped = undelivered();
    for (let i = 0; i < 350; i++) a.adapter.publish({ service: 'chat', data: `hung-${sent++}` });
    expect(undelivered()).toBe(dropped + 350);
    // Local delivery is untouched throughout.
    expect(a.received).toHaveLength(sent);
    // A hung Redis: the state call is bounded by the command timeout (it would otherwise never return).
    await expect(a.adapter.state.get('chat', 'k')).rejects.toMatchObject({ code: 'WSF_STATE_UNAVAILABLE', message: expect.stringContaining('Command timed out after 300 ms') });
    expect(a.logs.filter((line) => line.startsWith('warn:'))).toHaveLength(1);
    expect(a.logs.find((line) => line.startsWith('warn:'))).toContain('publishes are waiting for a reply');
  } finally {
    redis.resume();
  }
  // Once Redis answers again the backlog drains and new publishes go through (probe, bounded).
  let probe = 0;
  await waitFor(
    'a new message to reach B',
    () => {
      a.adapter.publish({ service: 'chat', data: `after the hang ${probe++}` });
      return b.received.some((d) => String(d.data).startsWith('after the hang'));
    },
    10_000,
  );
  expect(a.logs.filter((line) => line.includes('reachable again'))).toHaveLength(1);
  await a.adapter.state.set('chat', 'k', 1);
  expect(await b.adapter.state.get('chat', 'k')).toBe(1);
});

it('refuses a URL that is not redis://', () => {
  expect(() => createRedisAdapter('http://127.0.0.1:6379')).toThrow('must start with redis:// or rediss://');
  expect(() => createRedisAdapter('not a url')).toThrow('is not a URL');
});
