/**
 * A replay plan from the trace (docs/designer.md#replay): the path a connection opened and the
 * text messages its handler got, in order. Only what the trace kept can be replayed: routine
 * invocations sampled out under load, binary messages and texts longer than a preview are not.
 */
import type { ReplayPlan } from '../../../runtime/studio/protocol.ts';
import type { TraceRow } from '../store.ts';

export function planFromTrace(trace: readonly TraceRow[], connectionId: string): { plan?: ReplayPlan; skipped: number } {
  let path: string | undefined;
  const sends: string[] = [];
  let skipped = 0;
  for (const { event } of trace) {
    if (event.kind === 'connection' && event.connectionId === connectionId && event.state === 'open') path = event.path;
    if (event.kind !== 'invoke' || event.connectionId !== connectionId || (event.event !== 'text' && event.event !== 'binary')) continue;
    if (event.input?.type === 'text' && !event.input.truncated) sends.push(event.input.preview);
    else skipped++;
  }
  if (path === undefined) return { skipped };
  const steps: ReplayPlan['steps'] = [{ kind: 'connect', client: 'replay' }, ...sends.map((data) => ({ kind: 'send' as const, client: 'replay', data }))];
  return { plan: { clients: { replay: { path } }, steps }, skipped };
}
