/**
 * Forwards engine trace events to the renderer without drowning it.
 *
 * The engine can produce thousands of events per second; the designer needs a readable trace and
 * live numbers, not every event. Events are batched every FLUSH_MS; invocations without logs or
 * errors are capped per batch (the rest are counted as `dropped`), while errors, logs, connection
 * and engine events are kept up to a larger cap. Stats (rates and which nodes fired) are pushed
 * every STATS_MS from the engine's counters and the summaries. Connector state events fold into
 * a per-node snapshot sent with the stats; only a change of state also goes into the trace.
 */
import type { RunningFlow, TraceEvent } from '../engine/contracts.ts';
import type { ConnectorLive, RunStats, StudioEvent } from './protocol.ts';
import { addBuckets, quantileMs } from '../engine/metrics/buckets.ts';

const FLUSH_MS = 150;
const STATS_MS = 500;
const PLAIN_INVOKES_PER_BATCH = 40;
const KEPT_PER_BATCH = 200;

export class TraceRelay {
  private batch: TraceEvent[] = [];
  private plainInBatch = 0;
  private dropped = 0;
  private perNode: RunStats['perNode'] = {};
  /** handler durations of the current stats window, per bucket (engine/metrics/buckets.ts) */
  private buckets: number[] = [];
  private lastStats: { t: number; messagesIn: number; messagesOut: number };
  /** each connector node's latest state and counts (a snapshot: every stats push carries all of it) */
  private connectors: Record<string, ConnectorLive> = {};
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly subscription: { unsubscribe(): void };

  constructor(
    private readonly running: RunningFlow,
    private readonly emit: (event: StudioEvent) => void,
  ) {
    const stats = running.stats();
    this.lastStats = { t: Date.now(), messagesIn: stats.messagesIn, messagesOut: stats.messagesOut };
    this.subscription = running.subscribe((event) => this.onEvent(event), { steps: true });
    this.timers.push(setInterval(() => this.flush(), FLUSH_MS), setInterval(() => this.pushStats(), STATS_MS));
    for (const timer of this.timers) timer.unref();
  }

  private onEvent(event: TraceEvent): void {
    if (event.kind === 'summary') {
      for (const [nodeId, counts] of Object.entries(event.perNode)) {
        const entry = (this.perNode[nodeId] ??= { count: 0, errors: 0 });
        entry.count += counts.count;
        entry.errors += counts.errors;
        if (counts.buckets) addBuckets(this.buckets, counts.buckets);
      }
      return;
    }
    if (event.kind === 'connector') {
      const before = this.connectors[event.nodeId];
      this.connectors[event.nodeId] = { state: event.state, ...(event.reason !== undefined ? { reason: event.reason } : {}), messagesIn: event.messagesIn, messagesOut: event.messagesOut };
      // Counts alone ride with the stats; the trace gets the changes of state (and recoveries).
      if (before && before.state === event.state && before.reason === event.reason && !event.recovered) return;
    }
    const plain = event.kind === 'invoke' && !event.error && event.logs.length === 0;
    if (plain) {
      if (this.plainInBatch >= PLAIN_INVOKES_PER_BATCH) {
        this.dropped++;
        return;
      }
      this.plainInBatch++;
    } else if (this.batch.length >= KEPT_PER_BATCH) {
      this.dropped++;
      return;
    }
    this.batch.push(event);
  }

  private flush(): void {
    if (this.batch.length === 0 && this.dropped === 0) return;
    const events = this.batch;
    const dropped = this.dropped;
    this.batch = [];
    this.plainInBatch = 0;
    this.dropped = 0;
    this.emit({ event: 'trace', events, dropped });
  }

  private pushStats(): void {
    const now = Date.now();
    const stats = this.running.stats();
    const seconds = Math.max(0.001, (now - this.lastStats.t) / 1000);
    const channels = this.running.channelStatus?.() ?? [];
    const out: RunStats = {
      connections: stats.connections,
      messagesIn: stats.messagesIn,
      messagesOut: stats.messagesOut,
      inPerSec: Math.round((stats.messagesIn - this.lastStats.messagesIn) / seconds),
      outPerSec: Math.round((stats.messagesOut - this.lastStats.messagesOut) / seconds),
      perNode: this.perNode,
      latency: latencyOf(this.buckets),
      ...(Object.keys(this.connectors).length > 0 ? { connectors: { ...this.connectors } } : {}),
      ...(channels.length > 0 ? { channels } : {}),
    };
    this.perNode = {};
    this.buckets = [];
    this.lastStats = { t: now, messagesIn: stats.messagesIn, messagesOut: stats.messagesOut };
    this.emit({ event: 'stats', stats: out });
  }

  close(): void {
    this.flush();
    for (const timer of this.timers) clearInterval(timer);
    this.subscription.unsubscribe();
  }
}

function latencyOf(buckets: readonly number[]): RunStats['latency'] {
  const p50 = quantileMs(buckets, 0.5);
  const p99 = quantileMs(buckets, 0.99);
  return p50 === undefined || p99 === undefined ? null : { p50Ms: p50, p99Ms: p99 };
}
