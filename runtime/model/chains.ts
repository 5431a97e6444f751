/**
 * Rules of low-code chains (pure): action node fields of the right kind, ports on the edges of
 * branching nodes, one chain per event node, no unreachable nodes, no cycles, and only actions
 * that fit the chain's event. Expression syntax and types are checked later by TypeScript
 * (runtime/check), on the code the chain compiles to.
 */
import { MODEL_CODES as C } from './codes.ts';
import { checkFieldValue } from './kind-fields.ts';
import type { FieldPath } from './locate.ts';
import { HANDLER_EVENTS, NEXT, type ChainEvent } from './node-kind.ts';
import { eventsOf, fieldsFor, isActionType, isBranching, kindFor, portsOf, type ActionType } from './registry.ts';
import { isObj, type Obj } from './is-obj.ts';


export type Report = (code: string, message: string, path: FieldPath, extra?: { nodeId?: string; inner?: { line: number; col: number }; severity?: 'warning' }) => void;

export interface ChainGraphNode {
  index: number;
  id: string;
  type: string;
  raw: Obj;
}

const isEventType = (t: string): t is ChainEvent => t === 'upgrader' || (HANDLER_EVENTS as readonly string[]).includes(t);

/** The chain edges of a flow: by source node id, with their index in `edges`. */
export interface ChainEdge {
  index: number;
  from: string;
  to: string;
  port?: string;
}

export function chainEdges(rawEdges: readonly unknown[], byId: ReadonlyMap<string, { type: string }>): ChainEdge[] {
  const out: ChainEdge[] = [];
  rawEdges.forEach((raw, index) => {
    if (!isObj(raw) || typeof raw.from !== 'string' || typeof raw.to !== 'string') return;
    const from = byId.get(raw.from);
    const to = byId.get(raw.to);
    if (!from || !to || !isActionType(to.type) || !(isActionType(from.type) || isEventType(from.type))) return;
    out.push({ index, from: raw.from, to: raw.to, port: typeof raw.port === 'string' ? raw.port : raw.port === undefined ? undefined : JSON.stringify(raw.port) });
  });
  return out;
}

export function validateChains(nodes: ReadonlyMap<string, ChainGraphNode>, rawEdges: readonly unknown[], report: Report): void {
  for (const node of nodes.values()) {
    if (isActionType(node.type)) checkFields(node, node.type, report);
  }
  const edges = chainEdges(rawEdges, nodes);
  const out = new Map<string, ChainEdge[]>();
  for (const edge of edges) {
    const list = out.get(edge.from) ?? [];
    list.push(edge);
    out.set(edge.from, list);
  }

  // Ports, and one chain per event node.
  for (const [fromId, list] of out) {
    const from = nodes.get(fromId) as ChainGraphNode;
    if (!isActionType(from.type)) {
      for (const extra of list.slice(1)) {
        report(C.CHAIN_START_MULTIPLE, `'${fromId}' (${from.type}) already starts a chain at '${list[0]?.to}'; an event node starts one chain (add an 'if' or 'switch' to branch).`, ['edges', extra.index], { nodeId: fromId });
      }
      for (const e of list) {
        if (e.port !== undefined) report(C.CHAIN_PORT_UNKNOWN, `'${fromId}' (${from.type}) has no ports; remove 'port: ${e.port}' from this edge.`, ['edges', e.index, 'port'], { nodeId: fromId });
      }
      const code = from.raw.code;
      if (typeof code === 'string' && code.trim() !== '') {
        report(C.CHAIN_AND_CODE, `'${fromId}' has both a snippet ('code') and a chain starting at '${list[0]?.to}'; keep one of them.`, ['nodes', from.index, 'code'], { nodeId: fromId });
      }
      continue;
    }
    const type = from.type;
    const ports = portsOf(type, from.raw);
    const branching = isBranching(type);
    const used = new Map<string, ChainEdge>();
    for (const e of list) {
      const port = e.port ?? (branching ? undefined : NEXT);
      if (port === undefined) {
        report(C.CHAIN_PORT_MISSING, `This edge leaves '${fromId}' (${type}) without a 'port'; write one of ${ports.join(', ')}: '{ from: ${fromId}, to: ${e.to}, port: ${ports[0] ?? '?'} }'.`, ['edges', e.index], { nodeId: fromId });
        continue;
      }
      if (!ports.includes(port)) {
        const why = ports.length === 0 ? `'${fromId}' (${type}) ends the chain and has no output` : branching ? `'${fromId}' (${type}) has the ports ${ports.join(', ')}` : `'${fromId}' (${type}) has one output; remove 'port'`;
        report(C.CHAIN_PORT_UNKNOWN, `Unknown port '${port}': ${why}.`, e.port !== undefined ? ['edges', e.index, 'port'] : ['edges', e.index], { nodeId: fromId });
        continue;
      }
      const first = used.get(port);
      if (first) {
        report(C.CHAIN_PORT_DUPLICATE, `Port '${port}' of '${fromId}' already goes to '${first.to}'; one output leads to one next step.`, ['edges', e.index], { nodeId: fromId });
        continue;
      }
      used.set(port, e);
    }
  }

  // Reachability from each event node, and which event each action belongs to.
  const owner = new Map<string, string>();
  for (const node of nodes.values()) {
    if (!isEventType(node.type)) continue;
    const seen = new Set<string>();
    const stack = (out.get(node.id) ?? []).map((e) => e.to).slice(0, 1);
    while (stack.length > 0 && seen.size <= nodes.size) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const e of out.get(id) ?? []) stack.push(e.to);
    }
    for (const id of seen) {
      const other = owner.get(id);
      const action = nodes.get(id) as ChainGraphNode;
      if (other && other !== node.id) {
        report(C.CHAIN_SHARED, `Action '${id}' is part of the chains of both '${other}' and '${node.id}'; a chain belongs to one event node (copy the node).`, ['nodes', action.index, 'id'], { nodeId: id });
        continue;
      }
      owner.set(id, node.id);
      if (!isActionType(action.type)) continue;
      const allowed = eventsOf(action.type);
      if (!allowed.includes(node.type as ChainEvent)) {
        report(C.ACTION_NOT_ALLOWED, `${article(action.type)} '${action.type}' node cannot run in the chain of '${node.id}' (${node.type}); it fits ${allowed.join(', ')}${node.type === 'upgrader' && action.type === 'reply' ? ` (use 'accept' with 'firstMessage')` : ''}.`, ['nodes', action.index, 'type'], { nodeId: id });
      }
    }
  }
  // An integration node wired from a service is a connection binding (connectors.ts), not a chain step.
  const bound = new Set<string>();
  for (const e of rawEdges) {
    if (isObj(e) && typeof e.from === 'string' && typeof e.to === 'string' && nodes.get(e.from)?.type === 'service') bound.add(e.to);
  }
  for (const node of nodes.values()) {
    if (isActionType(node.type) && !owner.has(node.id) && !bound.has(node.id)) {
      report(C.CHAIN_UNREACHABLE, `Action '${node.id}' (${node.type}) is not reached from any handler or upgrader, so it never runs; wire it into a chain or delete it.`, ['nodes', node.index, 'id'], { nodeId: node.id });
    }
  }

  // Cycles: a depth-first walk over all action nodes; a back edge closes a loop.
  const color = new Map<string, 1 | 2>();
  const visit = (id: string, depth: number) => {
    color.set(id, 1);
    for (const e of out.get(id) ?? []) {
      const c = color.get(e.to);
      if (c === 1) {
        report(C.CHAIN_CYCLE, `This edge from '${e.from}' back to '${e.to}' makes the chain a loop; chains run each step at most once (use a 'code' node to repeat work).`, ['edges', e.index], { nodeId: e.from });
      } else if (c === undefined && depth < nodes.size) {
        visit(e.to, depth + 1);
      }
    }
    color.set(id, 2);
  };
  for (const node of nodes.values()) if (isActionType(node.type) && !color.has(node.id)) visit(node.id, 0);
}

/** Field kinds, required fields and the kind's own rules of one action node. */
function checkFields(node: ChainGraphNode, type: ActionType, report: Report): void {
  const kind = kindFor(type);
  const at = (field: string): FieldPath => ['nodes', node.index, field];
  const id = node.id;
  const present = (f: string) => node.raw[f] !== undefined && node.raw[f] !== null;
  for (const [field, fs] of fieldsFor(kind, 'chain')) {
    const value = node.raw[field];
    if (!present(field)) {
      if (fs.required) report(C.ACTION_FIELD_MISSING, `'${field}' is required on ${article(type).toLowerCase()} ${type} node: ${fs.help}`, ['nodes', node.index, 'id'], { nodeId: id });
      continue;
    }
    const wrong = checkFieldValue(fs, value, 'chain');
    if (wrong) report(C.ACTION_FIELD_KIND, `'${field}' ${wrong}`, at(field), { nodeId: id });
  }
  if (kind.oneOf) {
    const given = kind.oneOf.filter(present);
    if (given.length === 0) report(C.ACTION_FIELD_MISSING, `${article(type)} ${type} node needs ${kind.oneOf.map((f) => `'${f}'`).join(' or ')}.`, ['nodes', node.index, 'id'], { nodeId: id });
    if (given.length > 1) report(C.ACTION_FIELD_CONFLICT, `Give only one of ${given.map((f) => `'${f}'`).join(' and ')}.`, at(given[1] as string), { nodeId: id });
  }
  const codes = { missing: C.ACTION_FIELD_MISSING, invalid: C.ACTION_FIELD_KIND, conflict: C.ACTION_FIELD_CONFLICT } as const;
  kind.check?.(node.raw, {
    role: 'chain',
    siblings: [],
    error: (code, message, field) => report(code in codes ? codes[code as keyof typeof codes] : code, message, at(field ?? 'id'), { nodeId: id }),
  });
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'An' : 'A';
}
