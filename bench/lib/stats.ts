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
