/**
 * Two-instance fan-out through Redis (issue 6): a real `redis-server` on a free loopback port,
 * two instances of the fan-out flow with REDIS_URL, the 1,000 clients split over both and the
 * sender on the first, so every broadcast crosses Redis to reach half of the clients.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Contender, ContenderId, RunningServer } from '../contenders/index.ts';
import { freePort, REPO_ROOT, spawnTracked, withTimeout, type Spawned } from '../lib/proc.ts';
import { medians, type ScenarioResult } from '../runner.ts';
import { runFanout } from './fanout-driver.ts';
import { FANOUT_CLIENTS, FANOUT_METRICS, fanoutClients } from './fanout.ts';
import type { RunContext } from './types.ts';

const TITLE = `Two-instance fan-out through Redis (${FANOUT_CLIENTS} clients split over 2 instances, sender on one)`;

function redisServerPath(): string | undefined {
  try {
    return execFileSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function startRedis(binary: string): Promise<{ url: string; proc: Spawned }> {
  const port = await freePort();
  const proc = spawnTracked(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']);
  await proc.waitForLine(/Ready to accept connections/, 15_000, 'redis-server start');
  return { url: `redis://127.0.0.1:${port}`, proc };
}

export const clusterScenario = {
  id: 'cluster',
  title: TITLE,
  async run(contenders: Contender[], rounds: number, ctx: RunContext, earlier: ScenarioResult[]): Promise<ScenarioResult> {
    const result: ScenarioResult = { id: 'cluster', title: TITLE, metrics: FANOUT_METRICS, rounds, contenders: {}, skipped: {}, notes: [] };
    const binary = redisServerPath();
    const adapter = join(REPO_ROOT, 'runtime', 'engine', 'adapters', 'redis.ts');
    if (!binary) {
      result.skipped.scenario = 'redis-server is not installed (apt-get install redis-server)';
      return result;
    }
    if (!existsSync(adapter)) {
      result.skipped.scenario = 'the Redis adapter (runtime/engine/adapters/redis.ts) is not in this checkout yet';
      return result;
    }
    // --quick keeps one contender: the scenario is exercised, not compared.
    const wanted: ContenderId[] = ctx.quick ? ['engine'] : ['engine', 'export'];
    const eligible = contenders.filter((c) => wanted.includes(c.id) && !c.unavailable);
    if (eligible.length === 0) {
      result.skipped.scenario = 'neither `wsflow run` nor `wsflow export` is available';
      return result;
    }
    for (const c of eligible) result.contenders[c.id] = { label: `${c.label} x2 + Redis`, version: c.version, runs: [], errors: [], median: {} };
    for (let round = 1; round <= rounds; round++) {
      for (const c of eligible) {
        const entry = result.contenders[c.id]!;
        // A fresh Redis per run: no leftover keys or subscribers from the previous contender.
        const redis = await startRedis(binary);
        const servers: RunningServer[] = [];
        try {
          const env = { REDIS_URL: redis.url };
          servers.push(await c.start('fanout', { env }), await c.start('fanout', { env }));
          const m = await withTimeout(
            runFanout({ urls: servers.map((s) => s.url), clients: fanoutClients(ctx.quick), serverPids: servers.map((s) => s.pid), quick: ctx.quick, log: ctx.log }),
            ctx.quick ? 60_000 : 120_000,
            `cluster fan-out on ${c.label}`,
          );
          entry.runs.push(m);
          ctx.log(`  cluster round ${round}/${rounds} ${c.label}: ${Math.round(m.maxDeliveriesPerSec!)} deliveries/s, p50 to all ${m.timeToAllP50Ms!.toFixed(2)} ms, ${m.cpuUsPerDelivery!.toFixed(2)} µs CPU/delivery (both instances)`);
        } catch (error) {
          const message = (error as Error).message.split('\n')[0]!.slice(0, 400);
          entry.errors.push(`round ${round}: ${message}`);
          ctx.log(`  cluster round ${round}/${rounds} ${c.label} FAILED: ${message}`);
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
          await redis.proc.kill();
        }
      }
    }
    for (const entry of Object.values(result.contenders)) entry.median = medians(entry.runs);
    const single = earlier.find((r) => r.id === 'fanout')?.contenders.engine?.median.maxDeliveriesPerSec;
    const pair = result.contenders.engine?.median.maxDeliveriesPerSec;
    if (single && pair) result.notes.push(`two engine instances through Redis reach ${(pair / single).toFixed(2)}x the single-instance max deliveries/s (same machine, so both instances share its 2 cores)`);
    result.notes.push('CPU per delivery sums both instances (Redis itself not included)');
    return result;
  },
};
