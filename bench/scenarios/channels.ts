/**
 * Channels (issue 29): 1,000 clients subscribed to one channel with history on, one of them
 * publishing at the fan-out scenario's rate, against wsflow's plain broadcast and raw ws's
 * broadcast in the same run; then the same over two instances sharing one Redis. The channel
 * flow (bench/flows/channels.wsflow.yaml) is what a user draws: subscribe on open, publish on
 * text, action nodes only; its rows are the `lowcode` contender (the engine in the live-run
 * configuration serving a flow of action nodes). The method is fanout-driver.ts's.
 */
import { runFanout } from './fanout-driver.ts';
import { FANOUT_CLIENTS, fanoutClients } from './fanout.ts';
import type { RowsScenario } from './rows.ts';
import type { ScenarioResult } from '../runner.ts';
import type { Metric } from './types.ts';

export const CHANNEL_METRICS: Metric[] = [
  { key: 'deliveryP50Ms', label: 'p50 delivery', unit: 'ms', better: 'lower' },
  { key: 'deliveryP99Ms', label: 'p99 delivery', unit: 'ms', better: 'lower' },
  { key: 'timeToAllP99Ms', label: 'p99 to all', unit: 'ms', better: 'lower' },
  { key: 'cpuUsPerDelivery', label: 'CPU/delivery', unit: 'µs', better: 'lower', ratio: true },
  { key: 'maxDeliveriesPerSec', label: 'max deliveries/s', unit: '/s', better: 'higher', ratio: true },
];

const METHOD = `latency and CPU at 10 msg/s = ${(10 * FANOUT_CLIENTS) / 1000}k deliveries/s`;

/** What the rows are, and the channel's cost next to the broadcast's, as notes under the table. */
function channelNotes(result: ScenarioResult, quick: boolean): string[] {
  const notes = [
    'rows "broadcast" serve the fan-out flow (ctx.broadcast / the raw ws loop), rows "channel" bench/flows/channels.wsflow.yaml: every client subscribed to channel `bench` (history 100), the sender publishing to it; each delivery is the envelope {"channel","offset","data"}',
    'p50/p99 delivery: publish to each single delivery over all of them; p99 to all: until the last client had a message',
  ];
  const channel = result.contenders.lowcode?.median.cpuUsPerDelivery;
  const broadcast = result.contenders.engine?.median.cpuUsPerDelivery;
  if (channel !== undefined && broadcast !== undefined && broadcast > 0) notes.push(`a channel delivery costs ${(channel / broadcast).toFixed(2)}x a broadcast delivery in server CPU`);
  if (quick) notes.push(`--quick: ${fanoutClients(true)} clients`);
  return notes;
}

const measure: RowsScenario['measure'] = (servers, ctx) =>
  runFanout({ urls: servers.map((s) => s.url), clients: fanoutClients(ctx.quick), serverPids: servers.map((s) => s.pid), quick: ctx.quick, log: ctx.log });

export const channelsScenario: RowsScenario = {
  id: 'channels',
  title: `Channel fan-out (${FANOUT_CLIENTS} subscribers of one channel with history, one publisher; ${METHOD})`,
  metrics: CHANNEL_METRICS,
  instances: 1,
  redis: false,
  rows: () => [
    { id: 'raw', flow: 'fanout', label: 'raw ws broadcast' },
    { id: 'engine', flow: 'fanout', label: 'wsflow run broadcast' },
    { id: 'lowcode', flow: 'channels', label: 'wsflow run channel' },
    { id: 'export', flow: 'channels', label: 'wsflow export channel' },
  ],
  runTimeoutMs: (quick) => (quick ? 60_000 : 120_000),
  measure,
  notes: (result, _earlier, quick) => channelNotes(result, quick),
};

export const channelsClusterScenario: RowsScenario = {
  id: 'channels-cluster',
  title: `Channel fan-out on two instances through Redis (${FANOUT_CLIENTS} subscribers split over both, publisher on one)`,
  metrics: CHANNEL_METRICS,
  instances: 2,
  redis: true,
  // --quick: the channel row only (the broadcast over Redis is the cluster scenario's).
  rows: (quick) => [
    ...(quick ? [] : [{ id: 'engine' as const, flow: 'fanout' as const, label: 'wsflow run broadcast x2 + Redis' }]),
    { id: 'lowcode', flow: 'channels', label: 'wsflow run channel x2 + Redis' },
  ],
  runTimeoutMs: (quick) => (quick ? 60_000 : 120_000),
  measure,
  notes: (result, earlier, quick) => {
    const notes = [...channelNotes(result, quick), 'CPU per delivery sums both instances (Redis itself not included)'];
    const single = earlier.find((r) => r.id === 'channels')?.contenders.lowcode?.median.cpuUsPerDelivery;
    const pair = result.contenders.lowcode?.median.cpuUsPerDelivery;
    if (single && pair) notes.push(`a channel delivery on two instances through Redis costs ${(pair / single).toFixed(2)}x one on a single instance`);
    return notes;
  },
};
