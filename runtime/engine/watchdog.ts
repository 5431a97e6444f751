/**
 * Watchdog of the handler-host worker. The worker bumps a shared progress counter whenever an
 * invocation ends or it flushes a turn. If work is outstanding (a batch or a ping not yet
 * acknowledged) and the counter has not moved for the whole budget, the worker is stuck in a
 * snippet (a loop, synchronously or after an await) and must be terminated.
 * When nothing is outstanding, a ping every half budget catches loops started from timers.
 */
export interface WatchdogTarget {
  progress(): number;
  /** true while a batch or ping sent to the worker is unanswered */
  busy(): boolean;
  ping(): void;
  stuck(): void;
}

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private lastProgress = -1;
  private since = 0;
  private lastPing = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly target: WatchdogTarget,
  ) {}

  start(): void {
    this.stop();
    this.lastProgress = -1;
    const tick = Math.max(10, Math.min(100, Math.floor(this.budgetMs / 8)));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = performance.now();
    const progress = this.target.progress();
    if (progress !== this.lastProgress) {
      this.lastProgress = progress;
      this.since = now;
    }
    if (!this.target.busy()) {
      this.since = now;
      if (now - this.lastPing >= this.budgetMs / 2) {
        this.lastPing = now;
        this.target.ping();
      }
      return;
    }
    if (now - this.since > this.budgetMs) {
      this.since = now;
      this.target.stuck();
    }
  }
}
