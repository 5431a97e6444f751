/** How a trace event reads in the Trace panel: its node, one line of text, a level and its input. */
import type { InputPreview, TraceEvent } from '../../../runtime/studio/protocol.ts';

/** A chain invocation's path: the handler, then each action node that ran; each edge with the port taken. */
export interface TracePath {
  /** `seq` of the trace row it belongs to. */
  seq: number;
  nodes: string[];
  edges: { from: string; to: string; port?: string }[];
}

type InvokeEvent = Extract<TraceEvent, { kind: 'invoke' }>;

/** The steps as a row shows them: `route → then → greet` (a node, the port it took, the next node). */
export function stepsLabel(event: InvokeEvent): string {
  if (!event.steps?.length) return '';
  return event.steps.map((s) => (s.port ? `${s.nodeId} → ${s.port}` : s.nodeId)).join(' → ');
}

/** The path an invocation took, for the canvas; undefined when it ran no action node. */
export function pathOf(event: TraceEvent, seq: number): TracePath | undefined {
  if (event.kind !== 'invoke' || !event.steps?.length) return undefined;
  const nodes = [event.nodeId, ...event.steps.map((s) => s.nodeId)];
  const edges: TracePath['edges'] = [];
  let from: { nodeId: string; port?: string } = { nodeId: event.nodeId };
  for (const step of event.steps) {
    edges.push({ from: from.nodeId, to: step.nodeId, ...(from.port ? { port: from.port } : {}) });
    from = step;
  }
  return { seq, nodes, edges };
}

/** Whether a flow edge is on the path (an edge out of a branching node: only the port taken). */
export function onPath(path: TracePath, edge: { from: string; to: string; port?: string }): boolean {
  return path.edges.some((e) => e.from === edge.from && e.to === edge.to && (e.port === undefined || edge.port === undefined || e.port === edge.port));
}

export interface DescribedEvent {
  node: string;
  text: string;
  level: 'info' | 'warn' | 'error';
}

export function describe(event: TraceEvent): DescribedEvent {
  switch (event.kind) {
    case 'invoke': {
      const steps = stepsLabel(event);
      const path = steps ? ` · ${steps}` : '';
      if (event.error) {
        // An action node's field: named, never a line of the code generated around it.
        const field = event.error.field && event.error.field !== 'code' ? event.error.field : undefined;
        const where = field ? ` in '${event.error.nodeId}' field '${field}'` : event.error.line !== undefined ? ` (line ${event.error.line})` : '';
        return { node: event.nodeId, text: `${event.event}: ${event.error.code} ${event.error.message}${where}${path}`, level: 'error' };
      }
      const logs = event.logs.map((l) => `${l.level === 'info' ? '' : `${l.level}: `}${l.message}`).join(' | ');
      const level = event.logs.some((l) => l.level === 'error') ? 'error' : event.logs.some((l) => l.level === 'warn') ? 'warn' : 'info';
      return { node: event.nodeId, text: `${event.event} ${event.durationMs.toFixed(1)} ms${path}${logs ? ` — ${logs}` : ''}`, level };
    }
    case 'connection': {
      const detail = event.state === 'close' ? ` ${event.code ?? ''} ${event.reason ?? ''}` : event.state === 'rejected' ? ` HTTP ${event.status ?? ''} ${event.reason ?? ''}` : '';
      return { node: event.serviceId ?? event.upgraderId ?? '', text: `connection ${event.state} ${event.path}${detail}`, level: event.state === 'rejected' ? 'warn' : 'info' };
    }
    case 'engine':
      return { node: event.nodeId ?? 'engine', text: `${event.code} ${event.message}`, level: event.level };
    case 'summary':
      return { node: '', text: `summary: ${event.messagesIn} in, ${event.messagesOut} out`, level: 'info' };
    case 'outbound':
      // A connector's call: what, how long, and how it ended.
      return { node: event.nodeId, text: `${event.connector} ${event.target} ${event.durationMs.toFixed(1)} ms → ${event.result}`, level: event.ok ? 'info' : 'error' };
    case 'connector':
      return { node: event.nodeId, text: `connector ${event.state}${event.reason ? ` (${event.reason})` : ''}`, level: event.state === 'connected' ? 'info' : 'warn' };
  }
}

/** The flow nodes an event belongs to (a connection event: its service and its upgrader). */
export function nodesOf(event: TraceEvent): string[] {
  switch (event.kind) {
    case 'invoke':
    case 'outbound':
    case 'connector':
      return [event.nodeId];
    case 'connection':
      return [event.serviceId, event.upgraderId].filter((id): id is string => !!id);
    case 'engine':
      return event.nodeId ? [event.nodeId] : [];
    case 'summary':
      return [];
  }
}

/** Characters of an input preview a collapsed row shows. */
export const COLLAPSED_CHARS = 60;

/**
 * An input as a row shows it: collapsed to COLLAPSED_CHARS, or the whole preview the engine kept;
 * either way ending with … and saying how much there was when it is not all of the message.
 * `expandable`: the whole preview is longer than the collapsed one.
 */
export function inputLabel(input: InputPreview, expanded: boolean): { text: string; cut: boolean; expandable: boolean } {
  const shown = expanded ? input.preview : input.preview.slice(0, COLLAPSED_CHARS);
  const cut = input.truncated || shown.length < input.preview.length;
  const expandable = input.preview.length > COLLAPSED_CHARS;
  if (input.type === 'binary') {
    const unit = input.size === 1 ? 'byte' : 'bytes';
    return { text: `<${input.size} ${unit}> ${shown}${cut ? ' …' : ''}`, cut, expandable };
  }
  const note = expanded && input.truncated ? ` (truncated: first ${input.preview.length} of ${input.size} characters)` : '';
  return { text: `“${shown}${cut ? '…' : ''}”${note}`, cut, expandable };
}
