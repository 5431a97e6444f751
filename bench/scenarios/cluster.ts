/**
 * Two-instance fan-out through Redis (issue 6): a real `redis-server` on a free loopback port,
 * two instances of the fan-out flow with REDIS_URL, the 1,000 clients split over both and the
 * sender on the first, so every broadcast crosses Redis to reach half of the clients.
 */
import { runFanout } from './fanout-driver.ts';
import { FANOUT_CLIENTS, FANOUT_METRICS, fanoutClients } from './fanout.ts';
import type { RowsScenario } from './rows.ts';

export const clusterScenario: RowsScenario = {
  id: 'cluster',
  title: `Two-instance fan-out through Redis (${FANOUT_CLIENTS} clients split over 2 instances, sender on one)`,
  metrics: FANOUT_METRICS,
  instances: 2,
  redis: true,
  // --quick keeps one contender: the scenario is exercised, not compared.
  rows: (quick) => [
    { id: 'engine', flow: 'fanout', label: 'wsflow run x2 + Redis' },
    ...(quick ? [] : [{ id: 'export' as const, flow: 'fanout' as const, label: 'wsflow export x2 + Redis' }]),
  ],
  runTimeoutMs: (quick) => (quick ? 60_000 : 120_000),
  measure: (servers, ctx) =>
    runFanout({ urls: servers.map((s) => s.url), clients: fanoutClients(ctx.quick), serverPids: servers.map((s) => s.pid), quick: ctx.quick, log: ctx.log }),
  notes(result, earlier) {
    const notes: string[] = [];
    const single = earlier.find((r) => r.id === 'fanout')?.contenders.engine?.median.maxDeliveriesPerSec;
    const pair = result.contenders.engine?.median.maxDeliveriesPerSec;
    if (single && pair) notes.push(`two engine instances through Redis reach ${(pair / single).toFixed(2)}x the single-instance max deliveries/s (same machine, so both instances share its 2 cores)`);
    notes.push('CPU per delivery sums both instances (Redis itself not included)');
    return notes;
  },
};
