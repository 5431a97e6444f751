/**
 * Trace hub: fans engine events out to subscribers. With no subscriber every emit is one branch;
 * invocation events are already sampled by the worker, and a summary goes out every 250 ms.
 */
import type { TraceEvent, TraceOptions, TraceSubscription } from './contracts.ts';
import type { StatsDelta } from './host/protocol.ts';
import { addBuckets } from './metrics/buckets.ts';
import { scrubSecrets } from '../model/redact.ts';

export const SUMMARY_INTERVAL_MS = 250;

export class TraceHub {
  private readonly listeners = new Set<(event: TraceEvent) => void>();
  /** listeners that asked for chain steps */
  private readonly stepListeners = new Set<(event: TraceEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private perNode: StatsDelta['perNode'] = {};
  private sampledOut = 0;
  private lastIn = 0;
  private lastOut = 0;

  constructor(
    /** counters read by the summary */
    private readonly counters: () => { connections: number; messagesIn: number; messagesOut: number },
    /** told when the first listener arrives and the last one leaves, and whether any asks for steps */
    private readonly onActive: (active: boolean, steps: boolean) => void,
  ) {}

  get active(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: (event: TraceEvent) => void, options: TraceOptions = {}): TraceSubscription {
    const own = listener;
    const stepsBefore = this.stepListeners.size > 0;
    this.listeners.add(own);
    if (options.steps === true) this.stepListeners.add(own);
    if (this.listeners.size === 1) this.activate(true);
    else if (!stepsBefore && this.stepListeners.size > 0) this.onActive(true, true);
    return {
      unsubscribe: () => {
        if (!this.listeners.delete(own)) return;
        const hadSteps = this.stepListeners.delete(own);
        if (this.listeners.size === 0) this.activate(false);
        else if (hadSteps && this.stepListeners.size === 0) this.onActive(true, false);
      },
    };
  }

  emit(event: TraceEvent): void {
    if (this.listeners.size === 0) return;
    // Every sink (the CLI's stderr, the export's JSON log, OpenTelemetry, the studio) reads this
    // one stream, so credentials in URLs are removed here, once, for all of them.
    const clean = scrubEvent(event);
    for (const listener of this.listeners) {
      try {
        listener(clean);
      } catch {
        // A broken listener must not break the engine or the other listeners.
      }
    }
  }

  /** Worker statistics since the last delta. */
  addStats(delta: StatsDelta): void {
    this.sampledOut += delta.sampledOut;
    for (const [id, s] of Object.entries(delta.perNode)) {
      const acc = this.perNode[id];
      if (!acc) this.perNode[id] = { ...s, buckets: s.buckets?.slice() };
      else {
        acc.count += s.count;
        acc.errors += s.errors;
        acc.totalMs += s.totalMs;
        acc.maxMs = Math.max(acc.maxMs, s.maxMs);
        if (s.buckets) addBuckets((acc.buckets ??= []), s.buckets);
      }
    }
  }

  close(): void {
    this.listeners.clear();
    this.stepListeners.clear();
    this.activate(false);
  }

  private activate(on: boolean): void {
    if (on && !this.timer) {
      const c = this.counters();
      this.lastIn = c.messagesIn;
      this.lastOut = c.messagesOut;
      this.timer = setInterval(() => this.summary(), SUMMARY_INTERVAL_MS);
      this.timer.unref();
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.perNode = {};
      this.sampledOut = 0;
    }
    this.onActive(on, on && this.stepListeners.size > 0);
  }

  private summary(): void {
    const c = this.counters();
    const event: TraceEvent = {
      kind: 'summary',
      t: Date.now(),
      windowMs: SUMMARY_INTERVAL_MS,
      connections: c.connections,
      messagesIn: c.messagesIn - this.lastIn,
      messagesOut: c.messagesOut - this.lastOut,
      sampledOut: this.sampledOut,
      perNode: this.perNode,
    };
    this.lastIn = c.messagesIn;
    this.lastOut = c.messagesOut;
    this.perNode = {};
    this.sampledOut = 0;
    this.emit(event);
  }
}

/** The event with credentials taken out of every URL in its texts; the same object when there were none. */
export function scrubEvent(event: TraceEvent): TraceEvent {
  switch (event.kind) {
    case 'invoke': {
      const logs = event.logs.map((l) => (hasUrl(l.message) ? { ...l, message: scrubSecrets(l.message) } : l));
      const e = event.error;
      const error = e && (hasUrl(e.message) || hasUrl(e.stack)) ? { ...e, message: scrubSecrets(e.message), stack: e.stack === undefined ? undefined : scrubSecrets(e.stack) } : e;
      if (error === e && logs.every((l, i) => l === event.logs[i])) return event;
      return { ...event, logs, error };
    }
    case 'engine':
      return hasUrl(event.message) ? { ...event, message: scrubSecrets(event.message) } : event;
    case 'outbound':
      return hasUrl(event.target) || hasUrl(event.result) ? { ...event, target: scrubSecrets(event.target), result: scrubSecrets(event.result) } : event;
    case 'connection':
      return hasUrl(event.reason) ? { ...event, reason: scrubSecrets(event.reason ?? '') } : event;
    default:
      return event;
  }
}

function hasUrl(text: string | undefined): boolean {
  return text !== undefined && text.includes('://');
}
