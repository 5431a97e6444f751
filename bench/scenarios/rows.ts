/**
 * Scenarios whose rows are not "every contender serving the scenario's flow": each row is one
 * contender serving a flow of its own on one or two instances, the two sharing a throw-away
 * Redis. The channels scenarios put raw ws's broadcast, wsflow's broadcast and wsflow's channel
 * side by side in one run; the two-instance fan-out is the same shape. Rows alternate round by
 * round (A B C, A B C), each run on fresh servers (and a fresh Redis: no keys left over).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Contender, ContenderId, FlowKey, RunningServer } from '../contenders/index.ts';
import { REPO_ROOT, withTimeout } from '../lib/proc.ts';
import { redisServerPath, startRedis } from '../lib/redis.ts';
import { medians, summarize, type ScenarioResult } from '../runner.ts';
import type { Measurement, Metric, RunContext } from './types.ts';

export interface Row {
  /** The contender whose server runs; also the row's key in the results (one row per contender). */
  id: ContenderId;
  flow: FlowKey;
  label: string;
}

export interface RowsScenario {
  id: string;
  title: string;
  metrics: Metric[];
  instances: 1 | 2;
  /** The instances share one Redis (REDIS_URL), as `wsflow run` scales out. */
  redis: boolean;
  /** Extra environment of every server (e.g. the heap probe of engine-server.ts). */
  env?: NodeJS.ProcessEnv;
  rows(quick: boolean): Row[];
  runTimeoutMs(quick: boolean): number;
  measure(servers: RunningServer[], ctx: RunContext): Promise<Measurement>;
  /** Notes from this result and the ones measured before it in the same run. */
  notes?(result: ScenarioResult, earlier: ScenarioResult[], quick: boolean): string[];
}

export async function runRows(def: RowsScenario, contenders: Contender[], rounds: number, ctx: RunContext, earlier: ScenarioResult[]): Promise<ScenarioResult> {
  const result: ScenarioResult = { id: def.id, title: def.title, metrics: def.metrics, rounds, contenders: {}, skipped: {}, notes: [] };
  const binary = def.redis ? redisServerPath() : undefined;
  if (def.redis && !binary) {
    result.skipped.scenario = 'redis-server is not installed (apt-get install redis-server)';
    return result;
  }
  if (def.redis && !existsSync(join(REPO_ROOT, 'runtime', 'engine', 'adapters', 'redis.ts'))) {
    result.skipped.scenario = 'the Redis adapter (runtime/engine/adapters/redis.ts) is not in this checkout yet';
    return result;
  }
  const rows: { row: Row; contender: Contender }[] = [];
  for (const row of def.rows(ctx.quick)) {
    const contender = contenders.find((c) => c.id === row.id);
    // Not asked for (--contenders) is not a skip; unavailable is, with the reason.
    if (!contender) continue;
    if (contender.unavailable) result.skipped[row.id] = contender.unavailable;
    else rows.push({ row, contender });
  }
  for (const { row, contender } of rows) result.contenders[row.id] = { label: row.label, version: contender.version, runs: [], errors: [], median: {} };

  for (let round = 1; round <= rounds; round++) {
    for (const { row, contender } of rows) {
      const entry = result.contenders[row.id]!;
      const redis = binary ? await startRedis(binary) : undefined;
      const servers: RunningServer[] = [];
      try {
        const env = { ...def.env, ...(redis ? { REDIS_URL: redis.url } : {}) };
        for (let i = 0; i < def.instances; i++) servers.push(await contender.start(row.flow, { env }));
        const m = await withTimeout(def.measure(servers, ctx), def.runTimeoutMs(ctx.quick), `${def.id} on ${row.label}`);
        entry.runs.push(m);
        ctx.log(`  ${def.id} round ${round}/${rounds} ${row.label}: ${summarize(def.metrics, m)}`);
      } catch (error) {
        const message = (error as Error).message.split('\n')[0]!.slice(0, 400);
        entry.errors.push(`round ${round}: ${message}`);
        ctx.log(`  ${def.id} round ${round}/${rounds} ${row.label} FAILED: ${message}`);
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await redis?.proc.kill();
      }
    }
  }
  for (const entry of Object.values(result.contenders)) entry.median = medians(entry.runs);
  result.notes.push(...(def.notes?.(result, earlier, ctx.quick) ?? []));
  return result;
}
