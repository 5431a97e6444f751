/**
 * Two-instance fan-out figure (not a test): a real redis-server, two engine processes of a
 * broadcast flow with REDIS_URL, N clients split over both, one sender on instance A. Every text
 * reaches every client, so half of each broadcast crosses Redis. For comparison the same load
 * runs against one instance on the in-memory adapter.
 *
 *   npx tsx bench/measure/measure-fanout.ts [--clients 200] [--messages 500] [--json]
 *
 * Burst: the sender sends `messages` texts back to back; deliveries/s = clients * messages / time
 * until the last client has the last message. Paced: 50 messages/s for 2 s; time until every
 * client had a message (p50/p99). Last, the Redis path alone (one adapter publishing to another).
 * `measureFanout()` and `measureAdapterPath()` are exported for bench/ to reuse.
 */
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createRedisAdapter } from '../../runtime/engine/adapters/redis.ts';
import type { RunningProcess } from '../../test/helpers/cli.ts';
import { startInstance } from '../../test/cluster/instances.ts';
import { startRedis } from '../../test/cluster/redis-server.ts';
import { waitFor } from '../../test/helpers/wait.ts';

export const FANOUT_FLOW = fileURLToPath(new URL('./fanout.wsflow.yaml', import.meta.url));

export interface FanoutFigure {
  instances: number;
  adapter: 'redis' | 'memory';
  clients: number;
  messages: number;
  burstSeconds: number;
  deliveriesPerSec: number;
  pacedTimeToAllMs: { p50: number; p99: number; max: number };
}

interface Receiver {
  socket: WebSocket;
  /** Arrival time of each message number, for the paced phase. */
  seen: Map<number, number>;
  count: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error(`no handshake from ${url} in 10 s`)), 10_000);
    socket.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs the load against already running instances (`urls[0]` hosts the sender). */
export async function driveFanout(urls: string[], clients: number, messages: number): Promise<Omit<FanoutFigure, 'instances' | 'adapter'>> {
  const receivers: Receiver[] = [];
  try {
    for (let i = 0; i < clients; i++) {
      const socket = await connect(`${urls[i % urls.length]}/fan`);
      const receiver: Receiver = { socket, seen: new Map(), count: 0 };
      socket.on('message', (data: Buffer) => {
        receiver.count++;
        const text = data.toString();
        if (text.startsWith('p')) receiver.seen.set(Number(text.slice(1)), performance.now());
      });
      receivers.push(receiver);
    }
    const sender = receivers[0]!.socket;
    const total = () => receivers.reduce((sum, r) => sum + r.count, 0);

    // Warm-up: until every client gets a broadcast, the cross-instance path is not proven ready.
    sender.send('w');
    await waitFor('warm-up broadcast at every client', () => receivers.every((r) => r.count >= 1), 15_000);
    for (let i = 0; i < 50; i++) sender.send('w');
    await waitFor('warm-up deliveries', () => total() === clients * 51, 30_000);
    for (const r of receivers) r.count = 0;

    const started = performance.now();
    for (let i = 0; i < messages; i++) sender.send(`b${i}`);
    await waitFor('every burst delivery', () => total() === clients * messages, 120_000);
    const burstSeconds = (performance.now() - started) / 1000;

    const paced = 100;
    const sentAt: number[] = [];
    for (let i = 0; i < paced; i++) {
      sentAt.push(performance.now());
      sender.send(`p${i}`);
      await sleep(20);
    }
    await waitFor('every paced delivery', () => receivers.every((r) => r.seen.size === paced), 30_000);
    const timeToAll = sentAt.map((t, i) => Math.max(...receivers.map((r) => r.seen.get(i)!)) - t).sort((x, y) => x - y);
    return {
      clients,
      messages,
      burstSeconds: round(burstSeconds, 3),
      deliveriesPerSec: Math.round((clients * messages) / burstSeconds),
      pacedTimeToAllMs: { p50: round(percentile(timeToAll, 50), 1), p99: round(percentile(timeToAll, 99), 1), max: round(timeToAll.at(-1)!, 1) },
    };
  } finally {
    for (const r of receivers) r.socket.terminate();
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The Redis path alone: deliveries/s from one adapter to another, no engine, no sockets. */
export async function measureAdapterPath(count = 20_000): Promise<{ deliveries: number; seconds: number; perSec: number }> {
  const redis = await startRedis();
  const adapters = [
    createRedisAdapter(redis.url, { flow: 'measure', log: () => undefined }),
    createRedisAdapter(redis.url, { flow: 'measure', log: () => undefined }),
  ] as const;
  try {
    let received = 0;
    await adapters[0].start(() => undefined);
    await adapters[1].start(() => {
      received++;
    });
    const payload = 'x'.repeat(64);
    const started = performance.now();
    for (let i = 0; i < count; i++) adapters[0].publish({ service: 'fan', data: payload });
    await waitFor('every delivery across Redis', () => received === count, 60_000);
    const seconds = (performance.now() - started) / 1000;
    return { deliveries: count, seconds: round(seconds, 3), perSec: Math.round(count / seconds) };
  } finally {
    await Promise.all(adapters.map((a) => a.close()));
    await redis.stop();
  }
}

export async function measureFanout(options: { clients?: number; messages?: number } = {}): Promise<FanoutFigure[]> {
  const clients = options.clients ?? 200;
  const messages = options.messages ?? 500;
  const figures: FanoutFigure[] = [];

  const single = await startInstance('', FANOUT_FLOW);
  try {
    figures.push({ instances: 1, adapter: 'memory', ...(await driveFanout([single.url], clients, messages)) });
  } finally {
    await single.stop();
  }

  const redis = await startRedis();
  const running: RunningProcess[] = [];
  try {
    running.push(...(await Promise.all([startInstance(redis.url, FANOUT_FLOW), startInstance(redis.url, FANOUT_FLOW)])));
    figures.push({ instances: 2, adapter: 'redis', ...(await driveFanout(running.map((r) => r.url), clients, messages)) });
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    await redis.stop();
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const figures = await measureFanout({ clients: arg('clients'), messages: arg('messages') });
  const path = await measureAdapterPath();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ figures, adapterPath: path })}\n`);
  else {
    process.stdout.write(`Redis path alone (adapter to adapter, 64-byte texts): ${path.perSec.toLocaleString('en-US')} deliveries/s\n`);
    for (const f of figures) {
      process.stdout.write(
        `${f.instances} instance(s), ${f.adapter}: ${f.clients} clients x ${f.messages} messages in ${f.burstSeconds} s = ` +
          `${f.deliveriesPerSec.toLocaleString('en-US')} deliveries/s; paced 50 msg/s time-to-all p50 ${f.pacedTimeToAllMs.p50} ms, ` +
          `p99 ${f.pacedTimeToAllMs.p99} ms, max ${f.pacedTimeToAllMs.max} ms\n`,
      );
    }
  }
}
