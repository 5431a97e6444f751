/**
 * The handler host's outgoing batch: `[ackSeq, op, args..., op, args...]`, flushed once per
 * event-loop turn; and the `HostSink` through which snippet-facing objects add to it.
 */
import { port } from './port.ts';
import { performance } from 'node:perf_hooks';
// The engine's own timers: the globals are the snippets' (timers.ts wraps them).
import { setImmediate } from 'node:timers';
import * as P from './protocol.ts';
import type { InvokeRecord } from './protocol.ts';
import { describe } from './snippets.ts';
import type { HostConnection, HostSink } from './objects.ts';
import { H } from './state.ts';
import type { Inv } from './state.ts';


const dirty = new Set<HostConnection>();
const requests = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; owner: Inv | null }>();
let reqCounter = 0;

const out: unknown[] = [0];
/** memory handed over with the next batch (large sends, wire.ts) */
let transfers: ArrayBuffer[] = [];
let lastSeq = 0;
/** where the last ACT_SEND starts in `out` (-1: none since the last flush) */
let lastSendAt = -1;

/** The batch being processed; acknowledged by the next flush. */
export function setLastSeq(seq: number): void {
  lastSeq = seq;
}
let flushScheduled = false;
let lastStats = performance.now();
let statsTimer: NodeJS.Timeout | undefined;

function hasUnshippedStats(): boolean {
  for (const s of H.stats.values()) if (s.count > 0 || s.errors > 0) return true;
  return false;
}

export function scheduleFlush(): void {
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

export function flush(): void {
  flushScheduled = false;
  for (const hc of dirty) {
    try {
      out.push(P.ACT_ATTRS, hc.num, hc.attributesJson());
    } catch (error) {
      note('warn', 'WSF_ATTRIBUTES_NOT_JSON', `attributes of connection ${hc.id} are not JSON-serializable: ${describe((error as Error).message)}`);
    }
  }
  dirty.clear();
  if (H.tracing || H.metrics) {
    const now = performance.now();
    if (now - lastStats >= 250) {
      lastStats = now;
      const perNode: P.StatsDelta['perNode'] = {};
      let any = H.sampledOut > 0;
      for (const [id, s] of H.stats) {
        // An action node of a chain has errors and no invocations of its own.
        if (s.count === 0 && s.errors === 0) continue;
        perNode[id] = { count: s.count, errors: s.errors, totalMs: s.totalMs, maxMs: s.maxMs, buckets: s.buckets.slice() };
        s.count = s.errors = s.totalMs = s.maxMs = 0;
        s.buckets.fill(0);
        any = true;
      }
      if (any) out.push(P.ACT_STATS, { perNode, sampledOut: H.sampledOut } satisfies P.StatsDelta);
      H.sampledOut = 0;
    } else if (!statsTimer && hasUnshippedStats()) {
      // The last invocations before a quiet spell must reach /metrics too, not wait for traffic.
      statsTimer = setTimeout(() => {
        statsTimer = undefined;
        scheduleFlush();
      }, 250 - (now - lastStats));
    }
  }
  out[0] = lastSeq;
  if (transfers.length === 0) port.postMessage(out);
  else {
    port.postMessage(out, transfers);
    transfers = [];
  }
  out.length = 1;
  lastSendAt = -1;
  Atomics.add(H.slots, P.SLOT_PROGRESS, 1);
}

export const sink: HostSink = {
  push2(op, a, b) {
    if (op === P.ACT_SEND) lastSendAt = out.length;
    out.push(op, a, b);
    if (!flushScheduled) scheduleFlush();
  },
  push3(op, a, b, c) {
    out.push(op, a, b, c);
    if (!flushScheduled) scheduleFlush();
  },
  request(op, serviceIdx, a, b, c) {
    const reqId = ++reqCounter;
    if (op === P.ACT_STATE) out.push(op, reqId, serviceIdx, a, b, c);
    else if (op === P.ACT_CONNECTOR || op === P.ACT_CHANNEL) out.push(op, reqId, serviceIdx, a, b);
    else out.push(op, reqId, serviceIdx);
    scheduleFlush();
    const owner = H.current ?? H.resumedHint;
    return new Promise((resolve, reject) => requests.set(reqId, { resolve, reject, owner }));
  },
  transfer(buffer) {
    transfers.push(buffer);
  },
  markDirty(conn) {
    dirty.add(conn);
    if (!flushScheduled) scheduleFlush();
  },
  log(nodeId, entry) {
    let inv = H.current && H.current.node.id === nodeId ? H.current : null;
    if (!inv && nodeId) inv = H.nodes.get(nodeId)?.lastPending ?? null;
    if (inv) {
      (inv.logs ??= []).push(entry);
      return;
    }
    // A log from a timer or a finished invocation: report it on its own.
    const node = nodeId ? H.nodes.get(nodeId) : undefined;
    record({ t: entry.t, nodeId: nodeId ?? '', connectionId: '', event: node?.event ?? 'error', durationMs: 0, logs: [entry] });
  },
};

export function note(level: P.EngineNote['level'], code: string, message: string, nodeId?: string, line?: number): void {
  out.push(P.ACT_NOTE, { level, code, message, nodeId, line } satisfies P.EngineNote);
  scheduleFlush();
}

export function record(rec: InvokeRecord): void {
  out.push(P.ACT_TRACE, rec);
  scheduleFlush();
}


/** A reply to a state or count request: wake its promise, and note whose continuation runs next. */
export function settleRequest(reqId: number, ok: boolean, value: unknown): void {
  const entry = requests.get(reqId);
  if (!entry) return;
  requests.delete(reqId);
  const owner = entry.owner;
  if (owner && owner.pIdx >= 0) {
    const slots = H.slots;
    const k = Atomics.load(slots, P.SLOT_RESUMED_COUNT);
    if (k < P.MAX_RESUMED) {
      const at = P.RESUMED_BASE + 3 * k;
      slots[at] = owner.kind;
      slots[at + 1] = owner.id;
      slots[at + 2] = owner.node.idx;
      Atomics.store(slots, P.SLOT_RESUMED_COUNT, k + 1);
    }
    H.resumedHint = owner;
  }
  if (ok) entry.resolve(value);
  else entry.reject(new Error(String(value)));
}

export function forgetDirty(conn: HostConnection): void {
  dirty.delete(conn);
}

/** Push one op with its arguments (hot path: no rest-array for the common arities). */
export function push1(op: number, a: unknown): void {
  // A send followed by the end of that connection's event, nothing in between: one op.
  if (op === P.ACT_DONE && lastSendAt === out.length - 3 && out[lastSendAt + 1] === a) {
    out[lastSendAt] = P.ACT_SEND_DONE;
    lastSendAt = -1;
    return;
  }
  out.push(op, a);
  if (!flushScheduled) scheduleFlush();
}
