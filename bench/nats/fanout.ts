/**
 * One NATS message to N WebSocket clients (default 1,000), through samples/nats-bridge.wsflow.yaml
 * served by `wsflow run`, against a hand-written nats + ws bridge (hand-bridge.mjs), in the same
 * run against the same real nats-server (test/helpers/nats-server.ts). Per round: the time from
 * publish until the last client has the message; reported p50/p99 over the rounds, and the
 * server's CPU time (user + system, /proc) per delivered message. Not part of `npm test` nor of
 * `npm run bench`: run it by hand on an idle machine.
 *
 *   npx tsx bench/nats/fanout.ts [--clients 1000] [--rounds 200]
 */
import { connect } from 'nats';
import WebSocket from 'ws';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer } from '../../test/helpers/nats-server.ts';
import { killAllNow, spawnTracked, type Spawned } from '../lib/proc.ts';
import { sampleProcess } from '../lib/procstat.ts';
import { percentile } from '../lib/stats.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 1000);
const ROUNDS = arg('rounds', 200);
const SUBJECT = 'bench';

interface Result {
  name: string;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerDelivery: number;
}

async function measure(name: string, server: Spawned, url: string, natsUrl: string): Promise<Result> {
  const sockets: WebSocket[] = [];
  let expected = '';
  let pending = 0;
  let done: (() => void) | undefined;
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(`${url}/subjects/${SUBJECT}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => {
      if (data.toString() !== expected) return;
      if (--pending === 0) done?.();
    });
    sockets.push(ws);
  }
  const pub = await connect({ servers: natsUrl });
  const round = async (text: string, timeoutMs: number): Promise<number | undefined> => {
    expected = text;
    pending = CLIENTS;
    const all = new Promise<void>((resolve) => (done = resolve));
    const t0 = performance.now();
    pub.publish(SUBJECT, text);
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([all.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)))]);
    clearTimeout(timer);
    return ok ? performance.now() - t0 : undefined;
  };
  // Warm-up: until every client is subscribed and gets a message (bounded).
  let warm = false;
  for (let i = 0; i < 100 && !warm; i++) warm = (await round(`warm ${i}`, 500)) !== undefined;
  if (!warm) throw new Error(`${name}: clients never all received a message`);
  const before = sampleProcess(server.pid);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const ms = await round(`${name} round ${i} ${'x'.repeat(64)}`, 10_000);
    if (ms === undefined) throw new Error(`${name}: round ${i} did not reach every client`);
    times.push(ms);
  }
  const after = sampleProcess(server.pid);
  await pub.close();
  for (const ws of sockets) ws.terminate();
  return {
    name,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    cpuUsPerDelivery: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / (ROUNDS * CLIENTS),
  };
}

async function main(): Promise<void> {
  const nats = await startNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-bench-nats-'));
  const envFile = join(dir, '.env');
  writeFileSync(envFile, `NATS_URL=${nats.url}\n`);
  const results: Result[] = [];
  try {
    const wsflow = spawnTracked(process.execPath, ['bin/wsflow.mjs', 'run', 'samples/nats-bridge.wsflow.yaml', '--port', '0', '--env-file', envFile]);
    const wsflowUrl = (await wsflow.waitForLine(/ws:\/\/127\.0\.0\.1:\d+/, 60_000, 'wsflow run'))[0];
    results.push(await measure('wsflow nats-bridge', wsflow, wsflowUrl, nats.url));
    await wsflow.kill();
    const hand = spawnTracked(process.execPath, ['bench/nats/hand-bridge.mjs'], { env: { ...process.env, NATS_URL: nats.url } });
    const handUrl = (await hand.waitForLine(/ws:\/\/127\.0\.0\.1:\d+/, 30_000, 'hand bridge'))[0];
    results.push(await measure('hand-written nats + ws', hand, handUrl, nats.url));
    await hand.kill();
  } finally {
    killAllNow();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`one NATS message -> ${CLIENTS} WebSocket clients, ${ROUNDS} rounds\n`);
  process.stdout.write(`| contender | time to all p50 | p99 | server CPU per delivery |\n| --- | --- | --- | --- |\n`);
  for (const r of results) process.stdout.write(`| ${r.name} | ${r.p50Ms.toFixed(2)} ms | ${r.p99Ms.toFixed(2)} ms | ${r.cpuUsPerDelivery.toFixed(2)} µs |\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
