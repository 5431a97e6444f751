/**
 * Exponential backoff with full jitter, one formula for every reconnecting or retrying connector
 * (a herd of instances that lost the same broker must not come back in lock step).
 */
export interface Backoff {
  /** First delay in ms. */
  baseMs: number;
  /** Largest delay in ms. */
  maxMs: number;
}

export const RECONNECT: Backoff = { baseMs: 250, maxMs: 10_000 };
export const RETRY: Backoff = { baseMs: 200, maxMs: 5_000 };

/** Delay before attempt `n` (1 = the first retry): between half and all of base * 2^(n-1), capped. */
export function backoffDelay(n: number, b: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, n - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
