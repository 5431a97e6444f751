/**
 * Handler-duration buckets, shared by the handler host (which counts each invocation into one)
 * and the main thread (which turns the counts into `wsflow_handler_duration_seconds` and the
 * designer's p50/p99). Upper bounds in milliseconds; one more slot counts everything above.
 * Snippets usually take microseconds, so the scale starts at 0.1 ms.
 */
export const BUCKET_BOUNDS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

/** Slots per node: one per bound plus the overflow slot. */
export const BUCKET_SLOTS = BUCKET_BOUNDS_MS.length + 1;

/** Index of the first bucket whose upper bound holds `ms` (linear: the first one usually does). */
export function bucketOf(ms: number): number {
  const bounds = BUCKET_BOUNDS_MS;
  for (let i = 0; i < bounds.length; i++) if (ms <= (bounds[i] as number)) return i;
  return bounds.length;
}

/** Add `from` into `into` slot by slot. */
export function addBuckets(into: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
}

/**
 * The q-quantile (0..1) from bucket counts, interpolated linearly inside its bucket like
 * Prometheus' histogram_quantile; undefined when nothing was counted. Above the last bound the
 * last bound is returned.
 */
export function quantileMs(buckets: readonly number[], q: number): number | undefined {
  let total = 0;
  for (const n of buckets) total += n;
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      if (i >= BUCKET_BOUNDS_MS.length) return BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1];
      const lower = i === 0 ? 0 : (BUCKET_BOUNDS_MS[i - 1] as number);
      const upper = BUCKET_BOUNDS_MS[i] as number;
      return lower + (upper - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1];
}
