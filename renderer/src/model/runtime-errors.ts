/**
 * Errors raised by snippets while the flow runs, folded from trace events into one entry per
 * (node, code, line, message) with a count and the trace row of the first occurrence. A
 * connector's recovery (its broker or backend is back) ends the errors of its outage, and an action
 * node that runs cleanly again (among the steps of an invocation without error) ends its own.
 */
import type { Problem } from '../../../runtime/model/types.ts';
import type { TraceEvent } from '../../../runtime/studio/protocol.ts';

export interface RuntimeError {
  problem: Problem;
  /** `seq` of the trace row of the first occurrence (the Trace panel scrolls to it). */
  traceSeq: number;
  count: number;
}

const keyOf = (p: Problem) => `${p.nodeId ?? ''}|${p.code}|${p.field ?? ''}|${p.line ?? ''}|${p.message}`;

/** `before` plus the errors in `events` (whose first row has seq `firstSeq`); `before` itself when none. */
export function runtimeErrorsOf(before: readonly RuntimeError[], events: readonly TraceEvent[], firstSeq: number): RuntimeError[] {
  let out: RuntimeError[] | undefined;
  events.forEach((event, i) => {
    if (event.kind === 'connector' && event.recovered) {
      const ended = new Set(event.recovered);
      const list = out ?? before;
      const kept = list.filter((r) => r.problem.nodeId !== event.nodeId || !ended.has(r.problem.code));
      if (kept.length !== list.length) out = kept;
      return;
    }
    if (event.kind === 'invoke' && !event.error) {
      // Only a chain's steps say which action nodes ran; a snippet handler's errors stay (it may
      // throw on some messages only, and the count tells how often).
      const clean = new Set((event.steps ?? []).map((s) => s.nodeId));
      if (clean.size === 0) return;
      const list = out ?? before;
      const kept = list.filter((r) => !r.problem.nodeId || !clean.has(r.problem.nodeId) || !r.problem.code.startsWith('WSF_SNIPPET_'));
      if (kept.length !== list.length) out = kept;
      return;
    }
    let problem: Problem | undefined;
    if (event.kind === 'invoke' && event.error) {
      const e = event.error;
      problem = { severity: 'error', code: e.code, message: e.message, nodeId: e.nodeId || event.nodeId, ...(e.field !== undefined ? { field: e.field } : {}), ...(e.line !== undefined ? { line: e.line } : {}), ...(e.col !== undefined ? { col: e.col } : {}) };
    } else if (event.kind === 'engine' && event.level === 'error' && event.nodeId) {
      problem = { severity: 'error', code: event.code, message: event.message, nodeId: event.nodeId };
    }
    if (!problem) return;
    out ??= [...before];
    const key = keyOf(problem);
    const at = out.findIndex((r) => keyOf(r.problem) === key);
    const found = out[at];
    if (found) out[at] = { ...found, count: found.count + 1 };
    else out.push({ problem, traceSeq: firstSeq + i, count: 1 });
  });
  return out ?? (before as RuntimeError[]);
}
