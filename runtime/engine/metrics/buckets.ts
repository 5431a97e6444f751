/**
 * Handler-duration buckets on the main thread: the handler host counts each invocation into one
 * (bounds in host/protocol.ts, the contract between the two threads); these helpers add windows
 * up and estimate quantiles for the designer.
 */
import { BUCKET_BOUNDS_MS } from '../host/protocol.ts';

export { BUCKET_BOUNDS_MS } from '../host/protocol.ts';

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
