/**
 * The debugger inside the handler host: breakpoints, and invocations paused at them.
 *
 * Only while the designer has at least one breakpoint (`H.debug`) does the worker run a chain's
 * debugging variant (lowcode/compile.ts `debug`), whose step markers are
 * `await __steps.reach('node', vars)`. At a breakpoint `at` returns a promise that the designer's
 * step or continue resolves: the invocation waits by awaiting, so the thread keeps serving every
 * other connection, and the paused connection's later events queue behind it as usual (its event
 * has not settled). A handler with a breakpoint pauses before it runs (`pauseBefore`).
 * Without breakpoints none of this runs: the ordinary chains only have their step recorder.
 */
import { performance } from 'node:perf_hooks';
import { previewInput } from '../../model/input-preview.ts';
import type { DebugCommand, DebugEvent, DebugPause, EngineEvent } from './protocol.ts';
import * as P from './protocol.ts';
import { StepLog, snippetHooks } from './chain.ts';
import type { HostConnection } from './objects.ts';
import { H } from './state.ts';
import type { Inv } from './state.ts';
import { push1 } from './outbox.ts';

interface Held {
  connNum: number;
  since: number;
  /** true: run to the next node and pause there; false: run on to the next breakpoint */
  resume: (step: boolean) => void;
  vars: Record<string, unknown> | undefined;
  pause: DebugPause;
}

const breakpoints = new Set<string>();
/** paused invocations by connection id (a connection runs one event at a time, so one each) */
const held = new Map<string, Held>();
/** connections told to step into their next node (set by a step at a handler, taken by its chain) */
const stepInto = new Set<number>();

/** Set by the worker: keep an invocation out of the blame table while it waits, and back in after. */
export const wiring = {
  /** the paused time of connection `num` does not count towards its settle timeout */
  resumed: (num: number, pausedMs: number): void => void [num, pausedMs],
  suspend: (inv: Inv): void => void inv,
  unsuspend: (inv: Inv): void => void inv,
};

export function isHeld(num: number): boolean {
  for (const h of held.values()) if (h.connNum === num) return true;
  return false;
}

function emit(event: DebugEvent): void {
  push1(P.ACT_DEBUG, event);
}

/** JSON text of a value a snippet made (anything may be in `vars`): never throws. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return JSON.stringify(String(value));
  }
}

function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
  } catch {
    return null;
  }
}

function describePause(conn: HostConnection, nodeId: string, handlerId: string, event: EngineEvent, message: unknown, vars: Record<string, unknown> | undefined): DebugPause {
  const pause: DebugPause = { t: Date.now(), connectionId: conn.id, nodeId, handlerId, event, params: { ...conn.params }, attributes: plain(conn.attributes) as Record<string, unknown> };
  const preview = previewInput(message);
  if (preview) pause.message = preview;
  if (typeof message === 'string') {
    try {
      pause.json = JSON.parse(message) as unknown;
    } catch {
      // not JSON: no `json`
    }
  }
  if (vars) pause.vars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, jsonText(v)]));
  return pause;
}

/** Wait here until the designer steps or continues; resolves true for a step. */
function hold(conn: HostConnection, pause: DebugPause, vars: Record<string, unknown> | undefined): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    held.set(conn.id, {
      connNum: conn.num,
      since: performance.now(),
      vars,
      pause,
      resume: (step) => resolve(step),
    });
    emit({ kind: 'paused', pause });
  });
}

function release(connectionId: string, step: boolean): void {
  const h = held.get(connectionId);
  if (!h) return;
  held.delete(connectionId);
  wiring.resumed(h.connNum, performance.now() - h.since);
  emit({ kind: 'resumed', connectionId });
  h.resume(step);
}

/** The step recorder of an invocation of a debugging variant: pauses at breakpoints and steps. */
export class DebugLog extends StepLog {
  /** pause at the next node whatever its breakpoints (after a step) */
  private stepping: boolean;

  constructor(
    private readonly conn: HostConnection,
    private readonly message: unknown,
    private readonly handlerId: string,
    private readonly event: EngineEvent,
  ) {
    super();
    this.stepping = stepInto.delete(conn.num);
  }

  /** The marker before each action node: records the step, and pauses there when asked to. */
  reach(nodeId: string, vars: Record<string, unknown> | undefined): Promise<void> | undefined {
    this.step(nodeId);
    if (!H.debug || (!this.stepping && !breakpoints.has(nodeId))) return undefined;
    // invoke.ts registers the invocation as pending (and sets `inv`) right after its synchronous
    // part: take it out once that happened, so that the watchdog never blames a paused invocation.
    queueMicrotask(() => {
      const inv = this.inv;
      if (inv && inv.pIdx >= 0 && held.has(this.conn.id)) wiring.suspend(inv);
    });
    return hold(this.conn, describePause(this.conn, nodeId, this.handlerId, this.event, this.message, vars), vars).then((step) => {
      this.stepping = step;
      const inv = this.inv;
      if (inv && inv.pIdx < 0) wiring.unsuspend(inv);
    });
  }
}

/** `__wsflow` for debugging variants: the ordinary hooks plus `debug(conn, message)`. */
export const debugHooks = Object.freeze({
  ...snippetHooks,
  /** First thing a debugging variant calls, while its invocation is `H.current`. */
  debug(conn: HostConnection, message: unknown): DebugLog {
    const inv = H.current;
    const log = new DebugLog(conn, message, inv?.node.id ?? '', inv?.node.event ?? 'error');
    if (inv) inv.steps = log;
    return log;
  },
});

/**
 * Before a handler runs (worker.ts, only while debugging): a breakpoint on the handler itself, or
 * a step from the previous pause of this connection, waits here. Undefined: run at once.
 */
export function pauseBefore(conn: HostConnection, handlerId: string, event: EngineEvent, message: unknown): Promise<void> | undefined {
  if (!breakpoints.has(handlerId) && !stepInto.has(conn.num)) return undefined;
  stepInto.delete(conn.num);
  return hold(conn, describePause(conn, handlerId, handlerId, event, message, undefined), undefined).then((step) => {
    // Stepping from the handler goes into its chain's first node.
    if (step) stepInto.add(conn.num);
  });
}

/** A connection's event ended: a step that found no next node ends there. */
export function eventEnded(num: number): void {
  if (stepInto.size > 0) stepInto.delete(num);
}

export function setBreakpoints(ids: readonly string[]): void {
  breakpoints.clear();
  for (const id of ids) breakpoints.add(id);
  H.debug = breakpoints.size > 0;
  // No breakpoints = nobody debugs (the designer left, stopped, or cleared them): let all go.
  if (!H.debug) releaseAll();
}

export function releaseAll(): void {
  stepInto.clear();
  for (const id of [...held.keys()]) release(id, false);
}

export function command(cmd: DebugCommand): void {
  const h = held.get(cmd.connectionId);
  if (!h) return;
  switch (cmd.cmd) {
    case 'step':
      release(cmd.connectionId, true);
      break;
    case 'continue':
      release(cmd.connectionId, false);
      break;
    case 'setVar': {
      if (!h.vars || typeof cmd.name !== 'string') return;
      try {
        h.vars[cmd.name] = JSON.parse(cmd.json ?? 'null') as unknown;
      } catch {
        return; // the designer checks the JSON before sending it
      }
      h.pause.vars = { ...h.pause.vars, [cmd.name]: jsonText(h.vars[cmd.name]) };
      emit({ kind: 'paused', pause: h.pause });
      break;
    }
  }
}
