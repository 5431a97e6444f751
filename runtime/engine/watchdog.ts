/**
 * Watchdog of the handler-host worker. The worker bumps a shared progress counter whenever an
 * invocation ends or it flushes a turn. If work is outstanding (a batch or a ping not yet
 * acknowledged) and the counter has not moved for the whole budget, the worker is stuck in a
 * snippet (a loop, synchronously or after an await) and must be terminated.
 * When nothing is outstanding, a ping every half budget catches loops started from timers.
 * Timers that return but keep the host busy most of the time (900 ms of work every second) are
 * caught by their share: snippet timer callbacks may use at most half of the host's time over a
 * window of four budgets.
 */
export interface WatchdogTarget {
  progress(): number;
  /** true while a batch or ping sent to the worker is unanswered */
  busy(): boolean;
  ping(): void;
  stuck(): void;
  /** microseconds spent in snippet timer callbacks so far (a wrapping counter) */
  timerUs(): number;
  /** snippet timers used more than their share of the window */
  hog(): void;
}

/** Share of the host snippet timers may use, and the window (in budgets) over which it is measured. */
export const TIMER_SHARE = 0.5;
export const TIMER_WINDOW_BUDGETS = 4;

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private lastProgress = -1;
  private since = 0;
  private lastPing = 0;
  private windowStart = 0;
  private windowTimerUs = 0;

  constructor(
    private readonly budgetMs: number,
    private readonly target: WatchdogTarget,
  ) {}

  start(): void {
    this.stop();
    this.lastProgress = -1;
    this.windowStart = performance.now();
    this.windowTimerUs = this.target.timerUs();
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
    const windowMs = this.budgetMs * TIMER_WINDOW_BUDGETS;
    if (now - this.windowStart >= windowMs) {
      const timerUs = this.target.timerUs();
      const usedMs = ((timerUs - this.windowTimerUs) | 0) / 1000;
      const hog = usedMs > (now - this.windowStart) * TIMER_SHARE;
      this.windowStart = now;
      this.windowTimerUs = timerUs;
      if (hog) {
        this.since = now;
        this.target.hog();
        return;
      }
    }
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
