/**
 * Which edges a flow may hold: upgrader -> service -> handler, and an event node (handler or
 * upgrader) -> its chain of action nodes -> the next action nodes. `edgeTypeRule` is the pairwise
 * rule (validate.ts uses it for every edge), `canConnect` adds the rules that depend on the rest
 * of the flow, and returns a sentence the canvas shows when it refuses a connection.
 */
import { HANDLER_EVENTS, isActionType, type FlowDocument, type FlowNode } from './types.ts';
import { BINDING_TYPES, isBindingType, isBranching, isConnectorType, kindOf } from './registry.ts';

export type ConnectResult = { ok: true } | { ok: false; reason: string };

function isHandlerType(type: unknown): boolean {
  return typeof type === 'string' && (HANDLER_EVENTS as readonly string[]).includes(type);
}

/** The rule for one edge by node types alone. `undefined` when the pair is legal. */
export function edgeTypeRule(from: { id: string; type: unknown }, to: { id: string; type: unknown }): string | undefined {
  if (from.id === to.id) return `A node cannot connect to itself ('${from.id}').`;
  const f = String(from.type);
  const t = String(to.type);
  if (f === 'upgrader' && t === 'service') return undefined;
  if (f === 'service' && isHandlerType(t)) return undefined;
  // A connector wired from a service is bound to each of its connections (connectors.ts).
  if (f === 'service' && isBindingType(t)) return undefined;
  // A chain: from its event node (handler or upgrader) through action nodes.
  if ((f === 'upgrader' || isHandlerType(f) || isActionType(f)) && isActionType(t)) return undefined;
  if (f === 'upgrader') {
    return `An upgrader connects only to a service, but '${to.id}' is ${describe(t)} (besides its service, an upgrader may start a chain of action nodes).`;
  }
  if (f === 'service') {
    return `A service connects only to handlers (${HANDLER_EVENTS.join(', ')}) and connectors (${BINDING_TYPES.join(', ')}), but '${to.id}' is ${describe(t)}; wire action nodes after a handler.`;
  }
  if (isHandlerType(f)) {
    return `A handler ('${from.id}', ${f}) is the end of a flow and cannot connect to anything but the first action node of its chain; '${to.id}' is ${describe(t)}.`;
  }
  if (isActionType(f)) {
    return `An action node ('${from.id}', ${f}) connects only to the next action node of its chain, but '${to.id}' is ${describe(t)}.`;
  }
  return `Edges go upgrader -> service -> handler; '${from.id}' (${f}) cannot connect to '${to.id}' (${t}).`;
}

function describe(type: string): string {
  if (type === 'upgrader') return 'an upgrader';
  if (type === 'service') return 'a service';
  if (isHandlerType(type)) return `a handler (${type})`;
  if (isConnectorType(type)) return `a connector (${type})`;
  if (isActionType(type)) return `an action node (${type})`;
  return `of type '${type}'`;
}

/**
 * Whether the canvas may add an edge `fromId -> toId` (from output `port` of a branching action
 * node) to `flow`, and why not.
 */
export function canConnect(flow: FlowDocument, fromId: string, toId: string, port?: string): ConnectResult {
  const nodes: FlowNode[] = Array.isArray(flow.nodes) ? flow.nodes : [];
  const edges = Array.isArray(flow.edges) ? flow.edges : [];
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const from = byId.get(fromId);
  const to = byId.get(toId);
  if (!from) return { ok: false, reason: `There is no node '${fromId}'.` };
  if (!to) return { ok: false, reason: `There is no node '${toId}'.` };
  const rule = edgeTypeRule(from, to);
  if (rule) return { ok: false, reason: rule };
  if (isActionType(to.type) && from.type !== 'service') return canConnectChain(edges, byId, from, port);
  if (edges.some((e) => e.from === fromId && e.to === toId)) {
    return { ok: false, reason: `'${fromId}' is already connected to '${toId}'.` };
  }
  if (from.type === 'upgrader') {
    const existing = edges.find((e) => e.from === fromId && byId.get(e.to)?.type === 'service');
    if (existing) {
      return { ok: false, reason: `An upgrader connects to exactly one service; '${fromId}' already connects to '${existing.to}'.` };
    }
  }
  if (from.type === 'service') {
    const owner = edges.find((e) => e.to === toId && byId.get(e.from)?.type === 'service');
    if (owner) {
      return { ok: false, reason: `A ${isHandlerType(to.type) ? 'handler' : 'connector'} belongs to one service; '${toId}' already belongs to '${owner.from}'.` };
    }
    const same = edges.find((e) => e.from === fromId && e.to !== toId && byId.get(e.to)?.type === to.type);
    if (same && kindOf(to.type)?.onePerService) {
      return { ok: false, reason: `Service '${fromId}' already has a ${to.type} ('${same.to}'); a service binds one.` };
    }
    if (same && isHandlerType(to.type)) {
      return { ok: false, reason: `Service '${fromId}' already has an ${to.type} handler ('${same.to}'); a service has at most one handler per event.` };
    }
  }
  return { ok: true };
}

/** Chain edges: one edge per output port, and an event node starts at most one chain. */
function canConnectChain(edges: FlowDocument['edges'], byId: ReadonlyMap<string, FlowNode>, from: FlowNode, port: string | undefined): ConnectResult {
  const branching = isActionType(from.type) && isBranching(from.type);
  if (branching && !port) return { ok: false, reason: `'${from.id}' (${from.type}) branches: connect from one of its ports.` };
  const taken = edges.find((e) => e.from === from.id && (branching ? e.port === port : isActionType(byId.get(e.to)?.type)));
  if (!taken) return { ok: true };
  return {
    ok: false,
    reason: branching ? `Port '${port}' of '${from.id}' is already connected to '${taken.to}'.` : `'${from.id}' already goes on to '${taken.to}'; a step has one next step.`,
  };
}
