/**
 * Idle connections: open many connections to a fresh server from several load processes; memory
 * per connection from the server's RSS growth, and the time until all were open.
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
