/** Broadcast fan-out: 1,000 clients, one of them sending; see fanout-driver.ts for the method. */
import { runFanout } from './fanout-driver.ts';
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
