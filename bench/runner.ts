/**
 * Runs one scenario against every contender, alternating (A B C D, A B C D, ...) for several
 * rounds, and keeps every run plus the per-metric medians. A contender that fails or hangs in
 * one run gets an error for that run; the others go on.
 */
import type { Contender, ContenderId, RunningServer } from './contenders/index.ts';
import { withTimeout } from './lib/proc.ts';
import { median } from './lib/stats.ts';
import type { Measurement, Metric, RunContext, ScenarioDef } from './scenarios/types.ts';

export interface ContenderResult {
  label: string;
  version?: string;
  runs: Measurement[];
  errors: string[];
  median: Measurement;
}

export interface ScenarioResult {
  id: string;
  title: string;
  metrics: Metric[];
  rounds: number;
  contenders: Partial<Record<ContenderId, ContenderResult>>;
  /** Why a contender or the whole scenario was not measured. */
  skipped: Partial<Record<ContenderId | 'scenario', string>>;
  notes: string[];
}

export function medians(runs: readonly Measurement[]): Measurement {
  const keys = new Set(runs.flatMap((r) => Object.keys(r)));
  const out: Measurement = {};
  for (const key of keys) out[key] = median(runs.map((r) => r[key]!).filter((v) => v !== undefined));
  return out;
}

export async function runScenario(def: ScenarioDef, contenders: Contender[], rounds: number, ctx: RunContext): Promise<ScenarioResult> {
  const result: ScenarioResult = { id: def.id, title: def.title, metrics: def.metrics, rounds, contenders: {}, skipped: {}, notes: [] };
  const servers = new Map<ContenderId, RunningServer>();
  const active = contenders.filter((c) => {
    const why = c.unavailable ?? c.cannotServe?.(def.flow);
    if (why) result.skipped[c.id] = why;
    return !why;
  });
  for (const c of active) result.contenders[c.id] = { label: c.label, version: c.version, runs: [], errors: [], median: {} };

  const serverFor = async (c: Contender): Promise<RunningServer> => {
    const existing = servers.get(c.id);
    if (existing && existing.process.child.exitCode === null) return existing;
    const server = await c.start(def.flow);
    servers.set(c.id, server);
    return server;
  };
  try {
    // Long-lived servers start together before anything is measured (saves the sum of start times).
    if (!def.freshServerPerRun) {
      const starts = await Promise.allSettled(active.map((c) => serverFor(c)));
      starts.forEach((s, i) => {
        if (s.status === 'rejected') ctx.log(`  ${active[i]!.label} did not start: ${(s.reason as Error).message.split('\n')[0]}`);
      });
    }
    for (let round = 1; round <= rounds; round++) {
      for (const c of active) {
        const entry = result.contenders[c.id]!;
        let server: RunningServer | undefined;
        try {
          server = await serverFor(c);
          const m = await withTimeout(def.measure(server, ctx), def.runTimeoutMs(ctx.quick), `${def.id} on ${c.label}`);
          entry.runs.push(m);
          ctx.log(`  ${def.id} round ${round}/${rounds} ${c.label.padEnd(14)} ${summarize(def.metrics, m)}`);
        } catch (error) {
          const message = (error as Error).message.split('\n')[0]!.slice(0, 400);
          entry.errors.push(`round ${round}: ${message}`);
          ctx.log(`  ${def.id} round ${round}/${rounds} ${c.label.padEnd(14)} FAILED: ${message}`);
          // A hung or broken server is replaced before its next run.
          if (server) {
            await server.stop();
            servers.delete(c.id);
          }
        }
        if (def.freshServerPerRun && servers.has(c.id)) {
          await servers.get(c.id)!.stop();
          servers.delete(c.id);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
  for (const entry of Object.values(result.contenders)) entry.median = medians(entry.runs);
  return result;
}

export function summarize(metrics: Metric[], m: Measurement): string {
  return metrics.map((metric) => `${metric.label} ${formatValue(m[metric.key]!, metric.unit)}`).join(', ');
}

export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (unit === '' || unit === '/s' || unit === 'msg/s') return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}
