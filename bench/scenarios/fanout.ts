/** Broadcast fan-out: 1,000 clients, one of them sending; see fanout-driver.ts for the method. */
import { LOAD_BOUND_SHARE, runFanout } from './fanout-driver.ts';
import type { ScenarioResult } from '../runner.ts';
import type { Metric, ScenarioDef } from './types.ts';

export const FANOUT_CLIENTS = 1000;
/** --quick exercises the scenario with fewer clients; its figures are not for comparison. */
export const fanoutClients = (quick: boolean) => (quick ? 200 : FANOUT_CLIENTS);

export const FANOUT_METRICS: Metric[] = [
  { key: 'maxDeliveriesPerSec', label: 'max deliveries/s', unit: '/s', better: 'higher', ratio: true },
  { key: 'timeToAllP50Ms', label: 'p50 to all', unit: 'ms', better: 'lower' },
  { key: 'timeToAllP99Ms', label: 'p99 to all', unit: 'ms', better: 'lower' },
  { key: 'cpuUsPerDelivery', label: 'CPU/delivery', unit: 'µs', better: 'lower', ratio: true },
];

export const fanoutScenario: ScenarioDef = {
  id: 'fanout',
  title: `Broadcast fan-out (${FANOUT_CLIENTS} clients, one sender; latency and CPU at 10 msg/s = 10k deliveries/s)`,
  flow: 'fanout',
  metrics: FANOUT_METRICS,
  freshServerPerRun: false,
  runTimeoutMs: (quick) => (quick ? 60_000 : 120_000),
  measure: (server, ctx) =>
    runFanout({ urls: [server.url], clients: fanoutClients(ctx.quick), serverPids: [server.pid], quick: ctx.quick, log: ctx.log }),
};

/**
 * What bounded each contender's highest sustained fan-out: at the first rate that fell behind,
 * a load process near a full core means the load generator, a machine near all its cores means
 * the machine (server and clients share it), else the server itself.
 */
export function fanoutBoundNotes(result: ScenarioResult): string[] {
  const notes: string[] = [];
  for (const c of Object.values(result.contenders)) {
    if (!c) continue;
    const load = c.median.limitLoadBusy;
    const machine = c.median.limitMachineBusy;
    if (load === undefined || machine === undefined) continue;
    if (load < 0) {
      notes.push(`${c.label}: never fell behind; its limit is above the highest step`);
      continue;
    }
    // Decide on the rounded percentages the note prints, so the words and the figures agree.
    const loadPct = Math.round(100 * load);
    const machinePct = Math.round(100 * machine);
    const bound = loadPct >= 100 * LOAD_BOUND_SHARE ? 'the load generator' : machinePct >= 90 ? 'the machine (its cores were busy: server, load generator and any other work)' : 'the server';
    notes.push(`${c.label}: at the first rate that fell behind the busiest load process used ${loadPct}% of a core and the machine was ${machinePct}% busy: bound by ${bound}`);
  }
  return notes;
}
