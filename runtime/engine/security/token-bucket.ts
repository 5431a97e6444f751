/**
 * A token bucket per connection: `rate` tokens per second, at most `burst` saved up. One message
 * takes one token. Kept as two numbers on the connection record so the hot path allocates nothing.
 */
export interface TokenBucket {
  readonly rate: number;
  readonly burst: number;
  tokens: number;
  /** ms timestamp of the last refill */
  last: number;
}

export function createBucket(rate: number, burst: number, now: number): TokenBucket {
  return { rate, burst, tokens: burst, last: now };
}

/** Take one token; false when the bucket is empty (the message is over the rate). */
export function take(b: TokenBucket, now: number): boolean {
  const refill = ((now - b.last) * b.rate) / 1000;
  b.last = now;
  b.tokens = Math.min(b.burst, b.tokens + refill);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}
