/**
 * Timers that snippets start run outside any invocation, yet they block every connection of the
 * handler host just the same. The global `setTimeout`, `setInterval` and `setImmediate` are
 * wrapped so that each callback (1) runs under the blame slots of whoever started it (the
 * invocation, or the module code of a snippet), so a callback that never returns is blamed on
 * its owner, and (2) adds its time to a shared counter from which the watchdog tells a timer
 * that hogs the host (docs/security.md). The engine's own timers come from `node:timers`.
 */
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import * as P from './protocol.ts';
import { H } from './state.ts';

/** A callback at least this long may be the hog: remember its owner. */
const LONG_CALLBACK_MS = 20;

type TimerFn = (callback: (...args: unknown[]) => void, ...rest: unknown[]) => unknown;

function owner(): [kind: number, id: number, node: number] {
  const s = H.slots;
  const kind = Atomics.load(s, P.SLOT_KIND);
  if (kind !== 0) return [kind, s[P.SLOT_ID] as number, s[P.SLOT_NODE] as number];
  // In the continuation of an async invocation: the one whose awaited reply arrived last.
  const inv = H.resumedHint;
  return inv ? [inv.kind, inv.id, inv.node.idx] : [4, 0, -1];
}

function attributed(callback: (...args: unknown[]) => void): (...args: unknown[]) => void {
  const [kind, id, node] = owner();
  return (...args: unknown[]) => {
    const s = H.slots;
    s[P.SLOT_ID] = id;
    s[P.SLOT_NODE] = node;
    Atomics.store(s, P.SLOT_KIND, kind);
    const t0 = performance.now();
    try {
      callback(...args);
    } finally {
      Atomics.store(s, P.SLOT_KIND, 0);
      const ms = performance.now() - t0;
      Atomics.add(s, P.SLOT_TIMER_US, Math.round(ms * 1000));
      if (ms >= LONG_CALLBACK_MS) {
        s[P.SLOT_HOG_ID] = id;
        s[P.SLOT_HOG_NODE] = node;
        Atomics.store(s, P.SLOT_HOG_KIND, kind);
      }
    }
  };
}

function wrap(original: TimerFn): TimerFn {
  const wrapped: TimerFn = (callback, ...rest) => original(typeof callback === 'function' ? attributed(callback) : callback, ...rest);
  // `promisify(setTimeout)` keeps working (and is not attributed, like node:timers/promises).
  const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
  if (custom) Object.defineProperty(wrapped, promisify.custom, { value: custom });
  return wrapped;
}

export function attributeTimers(): void {
  const g = globalThis as unknown as Record<'setTimeout' | 'setInterval' | 'setImmediate', TimerFn>;
  g.setTimeout = wrap(g.setTimeout);
  g.setInterval = wrap(g.setInterval);
  g.setImmediate = wrap(g.setImmediate);
}
