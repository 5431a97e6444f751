/**
 * Rules of low-code chains (pure): action node fields of the right kind, ports on the edges of
 * branching nodes, one chain per event node, no unreachable nodes, no cycles, and only actions
 * that fit the chain's event. Expression syntax and types are checked later by TypeScript
 * (runtime/check), on the code the chain compiles to.
 */
import { ACTION_SPECS, NEXT, eventsOf, isBranching, portsOf, type ChainEvent, type FieldSpec } from './actions.ts';
import { MODEL_CODES as C } from './codes.ts';
import type { FieldPath } from './locate.ts';
import { HANDLER_EVENTS, isActionType, type ActionType } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export type Report = (code: string, message: string, path: FieldPath, extra?: { nodeId?: string; inner?: { line: number; col: number }; severity?: 'warning' }) => void;

export interface ChainGraphNode {
  index: number;
  id: string;
  type: string;
  raw: Obj;
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
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

/** Field kinds, required fields and the per-type rules of one action node. */
function checkFields(node: ChainGraphNode, type: ActionType, report: Report): void {
  const spec = ACTION_SPECS[type];
  const at = (field: string): FieldPath => ['nodes', node.index, field];
  const id = node.id;
  const present = (f: string) => node.raw[f] !== undefined && node.raw[f] !== null;
  for (const [field, fs] of Object.entries(spec.fields)) {
    const value = node.raw[field];
    if (!present(field)) {
      if (fs.required) report(C.ACTION_FIELD_MISSING, `'${field}' is required on ${article(type).toLowerCase()} ${type} node: ${fs.doc}`, ['nodes', node.index, 'id'], { nodeId: id });
      continue;
    }
    const wrong = kindError(fs, value);
    if (wrong) report(C.ACTION_FIELD_KIND, `'${field}' ${wrong}`, at(field), { nodeId: id });
  }
  if (spec.oneOf) {
    const given = spec.oneOf.filter(present);
    if (given.length === 0) report(C.ACTION_FIELD_MISSING, `${article(type)} ${type} node needs ${spec.oneOf.map((f) => `'${f}'`).join(' or ')}.`, ['nodes', node.index, 'id'], { nodeId: id });
    if (given.length > 1) report(C.ACTION_FIELD_CONFLICT, `Give only one of ${given.map((f) => `'${f}'`).join(' and ')}.`, at(given[1] as string), { nodeId: id });
  }
  if (type === 'switch' && Array.isArray(node.raw.cases)) {
    const seen = new Set<string>();
    for (const c of node.raw.cases) {
      const name = String(c);
      if (name === 'default' || seen.has(name)) report(C.ACTION_FIELD_CONFLICT, `Case '${name}' ${name === 'default' ? 'is the name of the default port' : 'is listed twice'}.`, at('cases'), { nodeId: id });
      seen.add(name);
    }
  }
  if (type === 'sendTo') {
    if (present('to') === present('attribute')) report(present('to') ? C.ACTION_FIELD_CONFLICT : C.ACTION_FIELD_MISSING, `A sendTo node chooses connections with 'to' (ids) or with 'attribute' and 'equals', exactly one of the two.`, at(present('to') ? 'attribute' : 'id'), { nodeId: id });
    else if (present('attribute') && !present('equals')) report(C.ACTION_FIELD_MISSING, `'equals' is required with 'attribute': the value the attribute must have.`, at('attribute'), { nodeId: id });
  }
  if (type === 'set') checkSet(node, report);
}

function checkSet(node: ChainGraphNode, report: Report): void {
  const raw = node.raw;
  const target = typeof raw.target === 'string' ? raw.target : 'var';
  const op = typeof raw.op === 'string' ? raw.op : 'set';
  const id = node.id;
  const at = (field: string): FieldPath => ['nodes', node.index, field];
  const has = (f: string) => raw[f] !== undefined && raw[f] !== null;
  if (target === 'state') {
    if (!has('key')) report(C.ACTION_FIELD_MISSING, `A set node on 'state' needs 'key' (a template such as 'user:\${conn.params.name}').`, at('id'), { nodeId: id });
    if (has('name')) report(C.ACTION_FIELD_CONFLICT, `'name' is for vars and attributes; a state entry is chosen by 'key'.`, at('name'), { nodeId: id });
  } else {
    if (!has('name')) report(C.ACTION_FIELD_MISSING, `A set node on '${target}' needs 'name'.`, at('id'), { nodeId: id });
    if (has('key')) report(C.ACTION_FIELD_CONFLICT, `'key' is for state; a ${target} is chosen by 'name'.`, at('key'), { nodeId: id });
    if (op === 'get' && target === 'var') report(C.ACTION_FIELD_CONFLICT, `op 'get' reads state or an attribute into a variable; a variable is read directly as vars.NAME.`, at('op'), { nodeId: id });
  }
  if (op === 'set' && !has('value')) report(C.ACTION_FIELD_MISSING, `op 'set' needs 'value'.`, at('id'), { nodeId: id });
  if (op !== 'set' && has('value')) report(C.ACTION_FIELD_CONFLICT, `'value' is used only by op 'set' (this one is '${op}').`, at('value'), { nodeId: id });
  if (op !== 'incr' && has('by')) report(C.ACTION_FIELD_CONFLICT, `'by' is used only by op 'incr'.`, at('by'), { nodeId: id });
  if (op === 'get' && !has('as')) report(C.ACTION_FIELD_MISSING, `op 'get' needs 'as': the variable that receives the value.`, at('op'), { nodeId: id });
}

function kindError(fs: FieldSpec, value: unknown): string | undefined {
  switch (fs.kind) {
    case 'expr':
      if (typeof value === 'number' || typeof value === 'boolean') return undefined;
      if (typeof value !== 'string') return `must be a TypeScript expression written as text, not ${describe(value)}.`;
      return value.trim() === '' ? 'is empty; write an expression.' : undefined;
    case 'template':
      return typeof value === 'string' || typeof value === 'number' ? undefined : `must be a text template like 'Hi \${conn.params.name}', not ${describe(value)}.`;
    case 'code':
      return typeof value === 'string' ? undefined : `must be TypeScript statements (use 'code: |'), not ${describe(value)}.`;
    case 'name':
      return typeof value === 'string' && NAME.test(value) ? undefined : `must be a plain name (letters, digits, _ and $, not starting with a digit), not ${describe(value)}.`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}.`;
    case 'enum':
      return typeof value === 'string' && (fs.values ?? []).includes(value) ? undefined : `must be one of ${(fs.values ?? []).join(', ')}, not ${describe(value)}.`;
    case 'list':
      if (!Array.isArray(value) || value.length === 0) return `must be a non-empty list like [Connect, Data], not ${describe(value)}.`;
      return value.every((v) => typeof v === 'string' || typeof v === 'number') ? undefined : 'must list only strings and numbers.';
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObj(value)) return 'a mapping';
  return JSON.stringify(value);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'An' : 'A';
}
