/**
 * Idle connections: open many connections to a fresh server from several load processes; memory
 * per connection from the server's RSS growth, and the time until all were open. The server is
 * warmed up first (connections opened and closed again): what a fresh process pays once on its
 * first burst (optimizing the accept path: compiler memory in thread arenas, code pages of the
 * node binary; the first growth of its heaps) is not a cost per connection and is not divided
 * among the measured ones; it still shows in "RSS with all open". docs/benchmarks.md, Round seven.
 */
import type { OpenResult } from '../load/conn-load.ts';
import { sleep, spawnTracked, type Spawned } from '../lib/proc.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import { sampleProcess } from '../lib/procstat.ts';
import type { Metric, ScenarioDef } from './types.ts';
import { execFileSync } from 'node:child_process';

const PER_PROCESS = 5000;
const CONCURRENCY = 100;
const settleMs = (quick: boolean) => (quick ? 600 : 1500);
/** Connections opened and closed before the measurement (Round seven: 2,000 was enough for every contender). */
const warmupCount = (quick: boolean) => (quick ? 200 : 2000);

/** Open `count` connections from one load process and close them again. */
export async function warmUp(script: string, url: string, count: number): Promise<void> {
  const load = spawnTracked(process.execPath, [script, JSON.stringify({ url, count, concurrency: CONCURRENCY })], { raiseFdLimit: true });
  try {
    await load.nextJson(30_000, 'warm-up client');
    load.send({ cmd: 'open' });
    const result = await load.nextJson<OpenResult>(90_000, 'warm-up connections');
    if (result.failed > 0) throw new Error(`warm-up: ${result.failed} of ${count} connections failed: ${result.firstError}`);
  } finally {
    // exit closes its connections; kill() waits for the process to be gone.
    load.send({ cmd: 'exit' });
    await load.kill();
  }
}

/** How many connections this machine's open-files limit allows (server needs one fd each). */
export function connectionTarget(quick: boolean): { count: number; note?: string } {
  const wanted = quick ? 1000 : 10_000;
  let hard = Number.POSITIVE_INFINITY;
  try {
    const out = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    if (out !== 'unlimited') hard = Number(out);
  } catch {
    // keep the wanted count
  }
  if (hard - 200 >= wanted) return { count: wanted };
  const count = Math.max(100, Math.floor((hard - 200) / 100) * 100);
  return { count, note: `open-files hard limit is ${hard}: ${count} connections instead of ${wanted}` };
}

export const CONNECTION_METRICS: Metric[] = [
  { key: 'kbPerConnection', label: 'memory/conn', unit: 'KiB', better: 'lower', ratio: true },
  { key: 'openSeconds', label: 'time to open', unit: 's', better: 'lower', ratio: true },
  { key: 'rssMb', label: 'RSS with all open', unit: 'MiB', better: 'lower' },
];

export const connectionsScenario: ScenarioDef = {
  id: 'connections',
  title: `Idle connections (${connectionTarget(false).count.toLocaleString('en-US')} at once, ${CONCURRENCY} handshakes in flight per load process)`,
  flow: 'echo',
  metrics: CONNECTION_METRICS,
  freshServerPerRun: true,
  runTimeoutMs: () => 120_000,
  async measure(server, ctx) {
    const { count } = connectionTarget(ctx.quick);
    const processes = Math.ceil(count / PER_PROCESS);
    const loads: Spawned[] = [];
    const script = await loadGeneratorScript('conn-load');
    try {
      await warmUp(script, server.url, warmupCount(ctx.quick));
      for (let i = 0; i < processes; i++) {
        const share = Math.floor(count / processes) + (i < count % processes ? 1 : 0);
        loads.push(
          spawnTracked(process.execPath, [script, JSON.stringify({ url: server.url, count: share, concurrency: CONCURRENCY })], {
            raiseFdLimit: true,
          }),
        );
      }
      for (const load of loads) await load.nextJson(30_000, 'connection clients');
      await sleep(settleMs(ctx.quick));
      const before = sampleProcess(server.pid);
      for (const load of loads) load.send({ cmd: 'open' });
      const results = await Promise.all(loads.map((l) => l.nextJson<OpenResult>(90_000, 'opening connections')));
      const opened = results.reduce((sum, r) => sum + r.opened, 0);
      const failed = results.reduce((sum, r) => sum + r.failed, 0);
      if (failed > 0) throw new Error(`${failed} of ${count} connections failed: ${results.find((r) => r.firstError)?.firstError}`);
      const openSeconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000;
      await sleep(settleMs(ctx.quick));
      const after = sampleProcess(server.pid);
      return {
        kbPerConnection: (after.rssKb - before.rssKb) / opened,
        openSeconds,
        rssMb: after.rssKb / 1024,
        connections: opened,
      };
    } finally {
      for (const load of loads) load.send({ cmd: 'exit' });
      // Stop the server before the clients so the TIME_WAIT sockets land on its side.
      await server.stop();
      await Promise.all(loads.map((l) => l.kill()));
    }
  },
};
