/**
 * The Redis adapter on its own, against a real redis-server: two (or three) adapter instances in
 * one process play the instances of a cluster.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterAdapter, Delivery } from '../../runtime/engine/contracts.ts';
import { createRedisAdapter, type RedisAdapterOptions } from '../../runtime/engine/adapters/redis.ts';
import { nothingWithin, waitFor } from '../helpers/wait.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

let redis: TestRedis;
const open: ClusterAdapter[] = [];
let flowCounter = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((adapter) => adapter.close()));
});
afterAll(async () => {
  await redis?.stop();
});

interface Instance {
  adapter: ClusterAdapter;
  received: Delivery[];
  logs: string[];
}

/** Instances of one fresh flow namespace, so tests do not see each other's keys. */
function cluster(options: RedisAdapterOptions = {}) {
  const flow = `flow-${++flowCounter}`;
  return async (): Promise<Instance> => {
    const received: Delivery[] = [];
    const logs: string[] = [];
    const adapter = createRedisAdapter(redis.url, {
      flow,
      retryMaxDelayMs: 200,
      log: (level, message) => logs.push(`${level}: ${message}`),
      ...options,
    });
    open.push(adapter);
    await adapter.start((delivery) => received.push(delivery));
    return { adapter, received, logs };
  };
}

describe('Redis adapter: delivery', () => {
  it('delivers a broadcast once on the publishing instance and once on the other', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    a.adapter.publish({ service: 'chat', data: 'hello' });
    await waitFor('B to receive the broadcast', () => b.received.length === 1);
    // An absence needs a window: a duplicate (the publisher's own echo) would show up within it.
    await nothingWithin('a duplicate delivery', () => a.received.length > 1 || b.received.length > 1, 200);
    expect(a.received).toEqual([{ service: 'chat', data: 'hello' }]);
    expect(b.received).toEqual([{ service: 'chat', data: 'hello' }]);
    expect(a.adapter.stats()).toMatchObject({ published: 1, undelivered: 0, redisUp: 1 });
    expect(b.adapter.stats()).toMatchObject({ received: 1 });
  });

  it('keeps binary, except and service through the wire', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    const delivery: Delivery = { service: 'feed', data: Buffer.from([0, 1, 255]).toString('base64'), binary: true, except: ['x1'] };
    a.adapter.publish(delivery);
    await waitFor('B to receive', () => b.received.length === 1);
    expect(b.received[0]).toEqual(delivery);
  });

  it('sends targeted deliveries to local connections without Redis, and only remote ids over it', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    a.adapter.connectionOpened('chat', 'a1');
    b.adapter.connectionOpened('chat', 'b1');
    a.adapter.publish({ service: 'chat', data: 'only-local', to: ['a1'] });
    a.adapter.publish({ service: 'chat', data: 'mixed', to: ['a1', 'b1'] });
    await waitFor('B to receive the targeted send', () => b.received.length === 1);
    expect(a.received.map((d) => d.data)).toEqual(['only-local', 'mixed']);
    expect(b.received).toEqual([{ service: 'chat', data: 'mixed', to: ['b1'] }]);
    expect(a.adapter.stats().published).toBe(1);
  });

  it('keeps each sender’s order on every instance', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    const c = await instance();
    const n = 400;
    for (let i = 0; i < n; i++) {
      a.adapter.publish({ service: 's', data: `a:${i}` });
      b.adapter.publish({ service: 's', data: `b:${i}` });
    }
    await waitFor('C to receive everything', () => c.received.length === 2 * n);
    await waitFor('A and B to receive each other', () => a.received.length === 2 * n && b.received.length === 2 * n);
    for (const inst of [a, b, c]) {
      for (const sender of ['a', 'b']) {
        const seen = inst.received.filter((d) => String(d.data).startsWith(`${sender}:`)).map((d) => Number(String(d.data).slice(2)));
        expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
      }
    }
  });

  it('ignores malformed messages on the channel', async () => {
    const instance = cluster();
    const a = await instance();
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    try {
      await raw.publish(`wsflow:flow-${flowCounter}:chat:bus`, 'not json');
      await raw.publish(`wsflow:flow-${flowCounter}:chat:bus`, JSON.stringify({ origin: 'x', service: 'chat', data: 5 }));
      await waitFor('both to be counted as malformed', () => a.adapter.stats().malformed === 2);
      expect(a.received).toEqual([]);
    } finally {
      raw.disconnect();
    }
  });
});

describe('Redis adapter: state', () => {
  it('shares JSON values between instances', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    const values: unknown[] = [{ nested: { list: [1, 'two', null] } }, [1, 2], 42, 'text', true, null, 1.5];
    for (const [i, value] of values.entries()) await a.adapter.state.set('chat', `k${i}`, value);
    for (const [i, value] of values.entries()) expect(await b.adapter.state.get('chat', `k${i}`)).toEqual(value);
    expect(await b.adapter.state.get('chat', 'missing')).toBeUndefined();
    expect(await b.adapter.state.get('other-service', 'k0')).toBeUndefined();
    expect(await b.adapter.state.delete('chat', 'k0')).toBe(true);
    expect(await a.adapter.state.delete('chat', 'k0')).toBe(false);
    expect(await a.adapter.state.get('chat', 'k0')).toBeUndefined();
    await a.adapter.state.set('chat', 'k1', undefined);
    expect(await b.adapter.state.get('chat', 'k1')).toBeUndefined();
  });

  it('increments atomically across instances, with negative and fractional steps', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).adapter.state.incr('chat', 'hits', 1)),
    );
    expect(await a.adapter.state.get('chat', 'hits')).toBe(100);
    expect(await b.adapter.state.incr('chat', 'hits', -30)).toBe(70);
    expect(await b.adapter.state.incr('chat', 'fresh', 1)).toBe(1);
    expect(await a.adapter.state.incr('chat', 'ratio', 0.5)).toBe(0.5);
    expect(await a.adapter.state.incr('chat', 'ratio', 2)).toBe(2.5);
    await a.adapter.state.set('chat', 'word', 'abc');
    await expect(b.adapter.state.incr('chat', 'word', 1)).rejects.toMatchObject({
      code: 'WSF_STATE_ERROR',
      message: expect.stringContaining('state.incr("word") failed: the stored value is not a number'),
    });
  });

  it('lists keys by prefix, sorted', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    for (const key of ['user:zoe', 'room:1', 'user:al', 'user:bo']) await a.adapter.state.set('chat', key, 1);
    expect(await b.adapter.state.keys('chat', 'user:')).toEqual(['user:al', 'user:bo', 'user:zoe']);
    expect(await b.adapter.state.keys('chat', '')).toEqual(['room:1', 'user:al', 'user:bo', 'user:zoe']);
  });

  it('treats values JSON cannot hold like the in-memory store does', async () => {
    const a = await cluster()();
    await a.adapter.state.set('chat', 'f', 1);
    await a.adapter.state.set('chat', 'f', () => 1);
    expect(await a.adapter.state.get('chat', 'f')).toBeUndefined();
    await expect(a.adapter.state.set('chat', 'big', 10n)).rejects.toMatchObject({
      code: 'WSF_STATE_ERROR',
      message: expect.stringContaining('state.set("big") failed: value is not JSON-serializable'),
    });
  });
});

describe('Redis adapter: connection counts', () => {
  it('counts connections of every instance, per service', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    for (const id of ['a1', 'a2', 'a3']) a.adapter.connectionOpened('chat', id);
    for (const id of ['b1', 'b2']) b.adapter.connectionOpened('chat', id);
    b.adapter.connectionOpened('other', 'b3');
    await waitFor('A to count 5', async () => (await a.adapter.connectionCount('chat')) === 5);
    expect(await b.adapter.connectionCount('chat')).toBe(5);
    expect(await a.adapter.connectionCount('other')).toBe(1);
    a.adapter.connectionClosed('chat', 'a1');
    b.adapter.connectionClosed('chat', 'b1');
    b.adapter.connectionClosed('chat', 'b1'); // closing twice must not count twice
    await waitFor('B to count 3', async () => (await b.adapter.connectionCount('chat')) === 3);
    expect(await a.adapter.connectionCount('chat')).toBe(3);
  });

  it('stops counting an instance at once when it closes gracefully', async () => {
    const instance = cluster();
    const a = await instance();
    const b = await instance();
    b.adapter.connectionOpened('chat', 'b1');
    a.adapter.connectionOpened('chat', 'a1');
    await waitFor('A to count 2', async () => (await a.adapter.connectionCount('chat')) === 2);
    await b.adapter.close();
    expect(await a.adapter.connectionCount('chat')).toBe(1);
  });

  it('forgets a crashed instance’s connections after its heartbeat TTL', async () => {
    const flow = `flow-${++flowCounter}`;
    const a = createRedisAdapter(redis.url, { flow, log: () => undefined });
    open.push(a);
    await a.start(() => undefined);
    const script = fileURLToPath(new URL('./fixtures/crash-instance.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, redis.url, flow, 'chat', '4', '150'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`crash instance did not start: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      });
      a.connectionOpened('chat', 'a1');
      expect(await a.connectionCount('chat')).toBe(5);
      child.kill('SIGKILL');
      // A crash says no goodbye: its connections still count until their TTL (3 heartbeats,
      // 450 ms) runs out, and then they stop counting.
      expect(await a.connectionCount('chat')).toBe(5);
      await waitFor('the crashed instance to stop counting', async () => (await a.connectionCount('chat')) === 1, 5_000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
