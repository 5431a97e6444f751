/**
 * The bound on concurrent HTTP calls of one flow instance (`http` steps and `ctx.http` alike).
 * Each call is capped by its timeout and body size, but without this their number is not: a flood
 * of client messages, each triggering a call to a slow API, would open one upstream request per
 * message and hold each one's memory. At most `concurrent` calls are in flight; the next `queued`
 * wait in order for a free slot; a call past both fails at once with WSF_HTTP_BUSY (the chain's
 * onError, the snippet's rejected promise, a failed outbound event and
 * `wsflow_connector_dropped_total{reason="busy"}` show it). docs/connectors/http.md.
 */
import { ConnectorError } from './errors.ts';

export interface HttpCallLimits {
  /** calls in flight at once */
  concurrent: number;
  /** calls waiting for a slot */
  queued: number;
}

/**
 * 64 requests in flight is far more than one API is usually asked at once by a single service,
 * and few enough sockets and buffers (each response up to 16 MiB) to stay bounded; 1024 waiting
 * calls ride out a burst, each holding only its request.
 */
export const HTTP_CALL_DEFAULTS: HttpCallLimits = { concurrent: 64, queued: 1024 };

export const HTTP_BUSY_CODE = 'WSF_HTTP_BUSY';

export class HttpCallGate {
  private running = 0;
  /** resolvers of the waiting calls, oldest first (`head` is the next to run) */
  private waiting: (() => void)[] = [];
  private head = 0;

  /** Replaced by a reload (the calls in flight stay counted). */
  constructor(public limits: HttpCallLimits) {}

  /**
   * Runs `work` within the bound: at once, after waiting for a slot, or not at all (rejects
   * WSF_HTTP_BUSY, the message starting with `what`, the request as the trace shows it).
   */
  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.concurrent) {
      this.running++;
    } else {
      const queued = this.waiting.length - this.head;
      if (queued >= this.limits.queued) {
        throw new ConnectorError(
          HTTP_BUSY_CODE,
          `${what}: ${this.running} HTTP calls are in flight and ${queued} wait for a slot (settings.httpCalls: ${this.limits.concurrent} at once, ${this.limits.queued} waiting), so this one is not made`,
        );
      }
      // The call that finishes hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting[this.head];
    if (next === undefined) {
      this.running--;
      return;
    }
    this.head++;
    // Compact now and then instead of shift() per call (O(n) on a long queue).
    if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    next();
  }
}
