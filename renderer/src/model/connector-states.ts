/** The connector cards' live states, folded from trace events (the stats bring full snapshots). */
import type { ConnectorLive, TraceEvent } from '../../../runtime/studio/protocol.ts';

/** `before` with the connector states of `events` applied (state changes come with the trace, counts with the stats); undefined when none. */
export function connectorStatesOf(before: Readonly<Record<string, ConnectorLive>>, events: readonly TraceEvent[]): Record<string, ConnectorLive> | undefined {
  let out: Record<string, ConnectorLive> | undefined;
  for (const event of events) {
    if (event.kind !== 'connector') continue;
    out ??= { ...before };
    out[event.nodeId] = { state: event.state, ...(event.reason !== undefined ? { reason: event.reason } : {}), messagesIn: event.messagesIn, messagesOut: event.messagesOut };
  }
  return out;
}
