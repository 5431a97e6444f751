/**
 * `wsflow_handler_duration_seconds`: a prom-client Histogram fed with bucket counts instead of
 * single observations. Durations are measured in the handler host, which counts them per bucket
 * and ships the counts every 250 ms (host/outbox.ts); observing each invocation here again would
 * put a label lookup on the hot path. The exposition is exactly prom-client's histogram format.
 */
import { Histogram } from 'prom-client';
import type { MetricType, Registry } from 'prom-client';
import { BUCKET_BOUNDS_MS, addBuckets } from './buckets.ts';
import type { NodeStats } from '../host/protocol.ts';

interface Acc {
  buckets: number[];
  sumMs: number;
  count: number;
}

type Labels = 'node' | 'le';

export class BucketHistogram extends Histogram<Labels> {
  private readonly perNode = new Map<string, Acc>();

  constructor(
    private readonly metric: string,
    private readonly help: string,
    registry: Registry,
  ) {
    super({ name: metric, help, labelNames: ['node'], buckets: BUCKET_BOUNDS_MS.map((ms) => ms / 1000), registers: [registry] });
  }

  /** Add one window of a node's invocations (bucket counts from the handler host). */
  add(node: string, stats: NodeStats): void {
    let acc = this.perNode.get(node);
    if (!acc) this.perNode.set(node, (acc = { buckets: [], sumMs: 0, count: 0 }));
    if (stats.buckets) addBuckets(acc.buckets, stats.buckets);
    else acc.buckets[BUCKET_BOUNDS_MS.length] = (acc.buckets[BUCKET_BOUNDS_MS.length] ?? 0) + stats.count;
    acc.sumMs += stats.totalMs;
    acc.count += stats.count;
  }

  /** A node that has not run yet still shows up, with zeros. */
  seed(node: string): void {
    if (!this.perNode.has(node)) this.perNode.set(node, { buckets: [], sumMs: 0, count: 0 });
  }

  override async get(): ReturnType<Histogram<Labels>['get']> {
    const values: Awaited<ReturnType<Histogram<Labels>['get']>>['values'] = [];
    const bucketName = `${this.metric}_bucket`;
    for (const [node, acc] of [...this.perNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let running = 0;
      BUCKET_BOUNDS_MS.forEach((ms, i) => {
        running += acc.buckets[i] ?? 0;
        values.push({ metricName: bucketName, labels: { node, le: ms / 1000 }, value: running });
      });
      values.push({ metricName: bucketName, labels: { node, le: '+Inf' }, value: acc.count });
      values.push({ metricName: `${this.metric}_sum`, labels: { node }, value: acc.sumMs / 1000 });
      values.push({ metricName: `${this.metric}_count`, labels: { node }, value: acc.count });
    }
    return { name: this.metric, help: this.help, type: 'histogram' as unknown as MetricType, aggregator: 'sum', values, collect: () => undefined };
  }

  /** The registry prefers this (untyped in prom-client) method over get(); same values. */
  getForPromString(): ReturnType<Histogram<Labels>['get']> {
    return this.get();
  }
}
