/** Small statistics helpers shared by the load generators and the report. */

export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : percentile(finite, 50);
}

/** Growable list of doubles with a hard cap, so a long run cannot exhaust memory. */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  constructor(private readonly cap = 4_000_000) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      if (this.length >= this.cap) return;
      const next = new Float64Array(Math.min(this.cap, this.length * 2));
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/**
 * Latency histogram with buckets 2% wide (log scale, 1 µs to about 10 min): every delivery of a
 * fan-out counted in fixed memory, mergeable across load processes, a percentile within 2%.
 */
const LOG_STEP = Math.log(1.02);
const MIN_NS = 1000;
export const LATENCY_BUCKETS = Math.ceil(Math.log(600e9 / MIN_NS) / LOG_STEP) + 1;

export function latencyBucket(ns: number): number {
  if (!(ns > MIN_NS)) return 0;
  return Math.min(LATENCY_BUCKETS - 1, Math.ceil(Math.log(ns / MIN_NS) / LOG_STEP));
}

/** The p-th percentile (ms) of merged bucket counts: the upper bound of the bucket it falls in. */
export function histogramPercentileMs(counts: ArrayLike<number>, p: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return (MIN_NS * Math.exp(i * LOG_STEP)) / 1e6;
  }
  return Number.POSITIVE_INFINITY;
}
