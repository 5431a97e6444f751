/**
 * Live numbers of the running flow for the run charts and the node cards: the last five minutes
 * of the studio's stats events (about two a second) and, per node, the invocations and errors
 * since the run started. Its own small store, so a stats event re-renders only what shows them.
 */
import { create } from 'zustand';
import type { RunStats } from '../../../runtime/studio/protocol.ts';

export const WINDOW_MS = 5 * 60_000;

/** Column-wise series (what uPlot wants): x in seconds, one array per line. */
export interface RunSeries {
  t: number[];
  connections: number[];
  inPerSec: number[];
  outPerSec: number[];
  /** null where nothing ran in that window (a gap in the line) */
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
}

export interface NodeTotals {
  count: number;
  errors: number;
}

interface RunMetricsState {
  series: RunSeries;
  /** invocations and errors per node since the run started */
  totals: Record<string, NodeTotals>;
  running: boolean;
}

const empty = (): RunSeries => ({ t: [], connections: [], inPerSec: [], outPerSec: [], p50Ms: [], p99Ms: [] });

export const useRunMetrics = create<RunMetricsState>()(() => ({ series: empty(), totals: {}, running: false }));

/** A stats event arrived (services.ts). */
export function recordRunStats(stats: RunStats, now = Date.now()): void {
  const { series, totals } = useRunMetrics.getState();
  const cut = now - WINDOW_MS;
  let drop = 0;
  while (drop < series.t.length && (series.t[drop] as number) * 1000 < cut) drop++;
  const keep = <T,>(values: T[], next: T): T[] => [...values.slice(drop), next];
  const next: RunSeries = {
    t: keep(series.t, now / 1000),
    connections: keep(series.connections, stats.connections),
    inPerSec: keep(series.inPerSec, stats.inPerSec),
    outPerSec: keep(series.outPerSec, stats.outPerSec),
    p50Ms: keep(series.p50Ms, stats.latency?.p50Ms ?? null),
    p99Ms: keep(series.p99Ms, stats.latency?.p99Ms ?? null),
  };
  let nextTotals = totals;
  for (const [nodeId, n] of Object.entries(stats.perNode)) {
    if (n.count === 0 && n.errors === 0) continue;
    if (nextTotals === totals) nextTotals = { ...totals };
    const before = nextTotals[nodeId] ?? { count: 0, errors: 0 };
    nextTotals[nodeId] = { count: before.count + n.count, errors: before.errors + n.errors };
  }
  useRunMetrics.setState({ series: next, totals: nextTotals, running: true });
}

/** A run started or stopped: the charts and counts start over. */
export function resetRunMetrics(running: boolean): void {
  useRunMetrics.setState({ series: empty(), totals: {}, running });
}
