/**
 * Invocations of snippets in the handler host: measured, located on failure, reported when
 * sampled, failed or logging; the blame slots say what runs and what awaits.
 */
import { performance } from 'node:perf_hooks';
import { previewInput } from '../../model/input-preview.ts';
import type { EngineEvent, InvokeRecord, SnippetFailure } from './protocol.ts';
import * as P from './protocol.ts';
import { toFailure } from './snippets.ts';
import { record } from './outbox.ts';
import { H, statOf } from './state.ts';
import type { Inv, NodeRt } from './state.ts';

const pending: Inv[] = [];

/** Index of the first duration bucket whose upper bound holds `ms` (the first one, usually). */
function bucketOf(ms: number): number {
  const bounds = P.BUCKET_BOUNDS_MS;
  for (let i = 0; i < bounds.length; i++) if (ms <= (bounds[i] as number)) return i;
  return bounds.length;
}
let tokens = 0;
let lastRefill = 0;

function writePending(i: number): void {
  if (i >= P.MAX_PENDING) return;
  const slots = H.slots;
  const inv = pending[i] as Inv;
  const at = P.PENDING_BASE + 3 * i;
  slots[at] = inv.kind;
  slots[at + 1] = inv.id;
  slots[at + 2] = inv.node.idx;
}

function addPending(inv: Inv): void {
  inv.pIdx = pending.length;
  pending.push(inv);
  writePending(inv.pIdx);
  Atomics.store(H.slots, P.SLOT_PENDING_COUNT, Math.min(pending.length, P.MAX_PENDING));
  inv.node.lastPending = inv;
}

function removePending(inv: Inv): void {
  const last = pending.pop() as Inv;
  if (last !== inv) {
    pending[inv.pIdx] = last;
    last.pIdx = inv.pIdx;
    writePending(inv.pIdx);
  }
  inv.pIdx = -1;
  Atomics.store(H.slots, P.SLOT_PENDING_COUNT, Math.min(pending.length, P.MAX_PENDING));
  if (inv.node.lastPending === inv) inv.node.lastPending = null;
  if (H.resumedHint === inv) H.resumedHint = null;
}

function takeToken(now: number): boolean {
  if (tokens < 1) {
    tokens = Math.min(H.sampleRate, tokens + ((now - lastRefill) * H.sampleRate) / 1000);
    lastRefill = now;
    if (tokens < 1) return false;
  }
  tokens -= 1;
  return true;
}

function finish(inv: Inv, failure: SnippetFailure | null, event: EngineEvent, input?: unknown): SnippetFailure | null {
  const now = performance.now();
  const ms = now - inv.t0;
  const stat = inv.node.stat;
  stat.count++;
  stat.totalMs += ms;
  if (ms > stat.maxMs) stat.maxMs = ms;
  (stat.buckets[bucketOf(ms)] as number)++;
  const steps = inv.steps;
  inv.steps = null;
  if (failure) {
    // Unlocated in a chain (a rejected await has no frame in the code): the step that ran last.
    if (failure.nodeId === inv.node.id && failure.field === undefined && steps?.last !== undefined && inv.node.snippet.source.chain) failure.nodeId = steps.last;
    // A chain's failure counts on its action node (wsflow_handler_errors_total{node}).
    if (failure.nodeId === inv.node.id) stat.errors++;
    else statOf(failure.nodeId).errors++;
  }
  if (failure || inv.logs || (H.tracing && takeToken(now))) {
    const rec: InvokeRecord = { t: Date.now(), nodeId: inv.node.id, connectionId: inv.connId, event, durationMs: ms, logs: inv.logs ?? [] };
    if (failure) rec.error = failure;
    if (steps) rec.steps = steps.toSteps(now);
    // Only messages have a preview (the other events' second argument is a context or an error).
    const preview = event === 'text' || event === 'binary' ? previewInput(input) : undefined;
    if (preview) rec.input = preview;
    record(rec);
  } else if (H.tracing) H.sampledOut++;
  (H.slots[P.SLOT_PROGRESS] as number)++;
  return failure;
}

export type Outcome = SnippetFailure | null | Promise<SnippetFailure | null>;

const syncInv: Inv = { node: undefined as unknown as NodeRt, kind: 0, id: 0, connId: '', t0: 0, logs: null, pIdx: -1, steps: null };

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/** A paused invocation (debug.ts) is not running: out of the blame table until it resumes. */
export function suspendPending(inv: Inv): void {
  if (inv.pIdx >= 0) removePending(inv);
}

export function unsuspendPending(inv: Inv): void {
  if (inv.pIdx < 0) addPending(inv);
}

export function invoke(
  node: NodeRt,
  kind: number,
  id: number,
  connId: string,
  argc: number,
  a0: unknown,
  a1: unknown,
  a2?: unknown,
  a3?: unknown,
  capture?: (value: unknown) => void,
): Outcome {
  // While the designer has breakpoints, a chain runs its debugging variant (debug.ts).
  const snippet = H.debug && node.debug ? node.debug : node.snippet;
  const fn = snippet.fn;
  const event = node.event;
  // Invocations never nest, so the synchronous part reuses one record (no allocation per
  // message); an invocation that goes async gets its own copy below.
  const inv = syncInv;
  inv.node = node;
  inv.kind = kind;
  inv.id = id;
  inv.connId = connId;
  inv.logs = null;
  inv.pIdx = -1;
  inv.steps = null;
  inv.t0 = performance.now();
  if (!fn) return finish(inv, snippet.loadError ?? null, event, a1);
  // Plain stores: only this thread writes the slots, and the main thread reads them only after
  // a whole budget without progress, long after any store became visible.
  const slots = H.slots;
  slots[P.SLOT_ID] = id;
  slots[P.SLOT_NODE] = node.idx;
  slots[P.SLOT_KIND] = kind;
  H.current = inv;
  let result: unknown;
  try {
    result = argc === 2 ? fn(a0, a1) : argc === 3 ? fn(a0, a1, a2) : fn(a0, a1, a2, a3);
  } catch (error) {
    H.current = null;
    slots[P.SLOT_KIND] = 0;
    return finish(inv, toFailure(snippet, error, 'WSF_SNIPPET_THROW'), event, a1);
  }
  H.current = null;
  slots[P.SLOT_KIND] = 0;
  if (!isThenable(result)) {
    capture?.(result);
    return finish(inv, null, event, a1);
  }
  const later: Inv = { node, kind, id, connId, t0: inv.t0, logs: inv.logs, pIdx: -1, steps: inv.steps };
  if (later.steps) later.steps.inv = later;
  inv.steps = null;
  addPending(later);
  return Promise.resolve(result).then(
    (value) => {
      removePending(later);
      capture?.(value);
      return finish(later, null, event, a1);
    },
    (error: unknown) => {
      removePending(later);
      return finish(later, toFailure(snippet, error, 'WSF_SNIPPET_REJECTED'), event, a1);
    },
  );
}

