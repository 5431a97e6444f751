/**
 * The chain compiler: turns the chain of action nodes wired to an event node (a handler or the
 * upgrader) into the TypeScript snippet a person would have written for that node. Everything
 * after this point (esbuild, the worker and its watchdog, hot reload, tracing, the exporter, the
 * type checker) sees an ordinary snippet. Pure: the designer shows the same code ("View code").
 *
 * Steps reached from one place are written inline; a step reached from several places (two
 * branches that meet again) becomes a local function, called in tail position from each.
 */
import { CHAIN_EVENTS, NEXT, isBranching, portsOf, type ChainEvent } from '../model/chain-scope.ts';
import { isActionType, type ActionType, type FlowDocument, type FlowNode } from '../model/types.ts';
import { withoutDisabled } from '../model/disabled.ts';
import { Builder, type Part, type Segment, type Span } from './builder.ts';
import { emitterOf, type EmitContext } from './emitters.ts';

export interface CompiledChain {
  /** The event node (handler or upgrader) the chain belongs to. */
  eventId: string;
  eventIndex: number;
  event: ChainEvent;
  /** The snippet: `export default function onText(conn, text, ctx) { ... }`. */
  code: string;
  /** Ids of the action nodes in the chain, in the order they are written. */
  nodes: string[];
  segments: Segment[];
  spans: Span[];
}

export interface ChainOptions {
  /**
   * TypeScript declarations of the JSON messages the service accepts, per service id, with a type
   * named `IncomingMessage` (runtime/check generates them from `messages.incoming` schemas). Only
   * types change with it; without it `json` is `any`, as `JSON.parse` returns.
   */
  incomingTypes?: Readonly<Record<string, string>>;
  /**
   * The engine's variant: step markers (`__steps?.step('id')`, `__steps?.port('then')`) that
   * record the nodes an invocation ran while a trace asks for them, and branches for every port
   * of a branching node, so that an unwired branch taken is recorded too. `__steps` is what the
   * handler host's `__wsflow.steps()` returns: undefined while nobody asks, so each marker then
   * costs one check. The code people see ("View code", "Convert to code", the type check) has none.
   */
  steps?: boolean;
  /**
   * The engine's debugging variant (implies `steps`): always async, and each step marker is
   * `await __steps.reach('id', vars)`, where the handler host's debugger pauses the invocation at a
   * breakpoint by awaiting (engine/host/debug.ts). The handler host runs it only while the
   * designer has breakpoints; the ordinary variant never waits for anything.
   */
  debug?: boolean;
}

/** The local that holds the step recorder in the engine's variant. */
export const STEPS_LOCAL = '__steps';

const SIGNATURES: Record<ChainEvent, { name: string; params: string; returns?: string }> = {
  upgrader: { name: 'upgrade', params: 'req: UpgradeRequest, ctx: ServiceContext', returns: 'UpgradeDecision | void' },
  onOpen: { name: 'onOpen', params: 'conn: Connection, ctx: ServiceContext' },
  onText: { name: 'onText', params: 'conn: Connection, text: string, ctx: ServiceContext' },
  onBinary: { name: 'onBinary', params: 'conn: Connection, data: Uint8Array, ctx: ServiceContext' },
  onClose: { name: 'onClose', params: 'conn: Connection, code: number, reason: string, ctx: ServiceContext' },
  onError: { name: 'onError', params: 'conn: Connection, error: HandlerError, ctx: ServiceContext' },
};

interface Graph {
  byId: Map<string, { node: FlowNode; index: number }>;
  /** chain edges: from id -> port -> to id */
  out: Map<string, Map<string, string>>;
}

function graphOf(flow: FlowDocument): Graph {
  const byId = new Map<string, { node: FlowNode; index: number }>();
  (Array.isArray(flow.nodes) ? flow.nodes : []).forEach((node, index) => {
    if (node && typeof node.id === 'string' && !byId.has(node.id)) byId.set(node.id, { node, index });
  });
  const out = new Map<string, Map<string, string>>();
  for (const edge of Array.isArray(flow.edges) ? flow.edges : []) {
    if (!edge || typeof edge.from !== 'string' || typeof edge.to !== 'string') continue;
    const to = byId.get(edge.to);
    if (!to || !isActionType(to.node.type)) continue;
    const ports = out.get(edge.from) ?? new Map<string, string>();
    const port = typeof edge.port === 'string' ? edge.port : NEXT;
    if (!ports.has(port)) ports.set(port, edge.to);
    out.set(edge.from, ports);
  }
  return { byId, out };
}

/** The first action node of an event node's chain, if it has one. */
export function chainStart(flow: FlowDocument, eventId: string): string | undefined {
  return graphOf(flow).out.get(eventId)?.values().next().value;
}

/**
 * Every chain of the flow, compiled. Event nodes with a snippet or without a chain are skipped, and
 * disabled steps are passed through (what the engine runs, lowerFlow, and what "View code" shows).
 */
export function compileChains(source: FlowDocument, options: ChainOptions = {}): CompiledChain[] {
  const flow = withoutDisabled(source);
  const graph = graphOf(flow);
  const serviceOf = serviceByEvent(flow, graph);
  const chains: CompiledChain[] = [];
  for (const { node, index } of graph.byId.values()) {
    if (!(CHAIN_EVENTS as readonly string[]).includes(node.type)) continue;
    if (typeof node.code === 'string' && node.code.trim() !== '') continue;
    const start = graph.out.get(node.id)?.values().next().value;
    if (start === undefined) continue;
    const service = serviceOf.get(node.id);
    // Upgrades are not paused: the handshake waits on them, with its own timeout.
    if (options.debug && node.type === 'upgrader') continue;
    const mode = options.debug ? 'debug' : options.steps === true ? 'steps' : 'plain';
    chains.push(compileOne(graph, node.id, index, node.type as ChainEvent, start, service ? options.incomingTypes?.[service] : undefined, mode));
  }
  return chains;
}

/**
 * The flow as the engine runs it: every event node wired to a chain gets the chain's code as its
 * snippet. Returns the same object when the flow has no chain.
 */
export function lowerFlow(source: FlowDocument, options: ChainOptions = {}): { flow: FlowDocument; chains: CompiledChain[] } {
  // Disabled nodes (runtime/model/disabled.ts): steps passed through, the rest cut off.
  const flow = withoutDisabled(source);
  const chains = compileChains(flow, options);
  if (chains.length === 0) return { flow, chains };
  const code = new Map(chains.map((c) => [c.eventIndex, c.code]));
  const nodes = flow.nodes.map((node, i) => {
    const generated = code.get(i);
    return generated === undefined ? node : ({ ...node, code: generated } as FlowNode);
  });
  return { flow: { ...flow, nodes }, chains };
}

function serviceByEvent(flow: FlowDocument, graph: Graph): Map<string, string> {
  const map = new Map<string, string>();
  for (const edge of Array.isArray(flow.edges) ? flow.edges : []) {
    const from = graph.byId.get(edge?.from)?.node;
    const to = graph.byId.get(edge?.to)?.node;
    if (!from || !to) continue;
    if (from.type === 'service' && !map.has(to.id)) map.set(to.id, from.id);
    if (from.type === 'upgrader' && to.type === 'service' && !map.has(from.id)) map.set(from.id, to.id);
  }
  return map;
}

/** The message argument a paused invocation shows, per event (debug variant). */
const MESSAGE_ARG: Partial<Record<ChainEvent, string>> = { onText: 'text', onBinary: 'data' };

function compileOne(graph: Graph, eventId: string, eventIndex: number, event: ChainEvent, start: string, incomingType: string | undefined, mode: 'plain' | 'steps' | 'debug'): CompiledChain {
  const steps = mode !== 'plain';
  const debug = mode === 'debug';
  // The nodes of the chain and how many edges reach each (more than one: a shared step).
  const order: string[] = [];
  const indegree = new Map<string, number>();
  const seen = new Set<string>();
  const stack = [start];
  indegree.set(start, 1);
  while (stack.length > 0 && order.length <= graph.byId.size) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const to of graph.out.get(id)?.values() ?? []) {
      indegree.set(to, (indegree.get(to) ?? 0) + 1);
      stack.push(to);
    }
  }
  const raws = order.map((id) => graph.byId.get(id)?.node as FlowNode);
  const isAsync = debug || raws.some((n) => isActionType(n.type) && (emitterOf(n.type).isAsync?.(n) ?? false) || Object.values(n).some((v) => typeof v === 'string' && /\bawait\b/.test(v)));
  const mentions = (name: string) => raws.some((n) => Object.entries(n).some(([k, v]) => k !== 'id' && typeof v === 'string' && new RegExp(`\\b${name}\\b`).test(v)));
  // An http step always writes vars.AS, read later or not ("vars is not defined" otherwise).
  const usesVars = mentions('vars') || raws.some((n) => n.type === 'http' || (n.type === 'set' && (n.target === undefined || n.target === 'var' || n.as !== undefined)));

  const b = new Builder();
  const sig = SIGNATURES[event];
  const returns = sig.returns ? `: ${isAsync ? `Promise<${sig.returns}>` : sig.returns}` : '';
  b.line(`// Generated by wsflow from the chain of '${eventId}'. "Convert to code" in the designer makes it an editable snippet.`);
  const useJson = event === 'onText' && mentions('json');
  if (useJson) b.line(incomingType ? incomingType.trim() : 'type IncomingMessage = any;');
  b.line(`export default ${isAsync ? 'async ' : ''}function ${sig.name}(${sig.params})${returns} {`);
  b.indent(1);
  if (debug) b.line(`const ${STEPS_LOCAL} = __wsflow.debug(conn, ${MESSAGE_ARG[event] ?? 'undefined'});`);
  else if (steps) b.line(`const ${STEPS_LOCAL} = __wsflow.steps();`);
  if (event === 'upgrader' && mentions('conn')) b.line('const conn = req;');
  if (usesVars) b.line('const vars: Record<string, any> = {};');
  // `${env.NAME}` in fields: the service's environment (integration nodes' URLs and secrets).
  if (mentions('env')) b.line('const env = ctx.env;');
  if (useJson) b.line('let json: IncomingMessage | undefined;', '');
  if (useJson) b.line('try { json = JSON.parse(text) as IncomingMessage; } catch { json = undefined; }');

  const shared = order.filter((id) => (indegree.get(id) ?? 0) > 1);
  const sharedSet = new Set(shared);
  const stepName = (id: string) => `step_${order.indexOf(id)}`;
  const active = new Set<string>();

  const emitNode = (id: string): void => {
    const entry = graph.byId.get(id);
    if (!entry || !isActionType(entry.node.type) || active.has(id)) {
      b.line(`// (a loop back to '${id}' is not followed)`);
      return;
    }
    active.add(id);
    const type: ActionType = entry.node.type;
    const raw = entry.node as unknown as Record<string, unknown>;
    const ports = new Map<string, string>();
    for (const [port, to] of graph.out.get(id) ?? []) if (portsOf(type, raw).includes(port)) ports.set(port, to);
    const branching = isBranching(type);
    const follow = (port: string) => {
      if (steps && branching) b.line(`${STEPS_LOCAL}?.port(${JSON.stringify(port)});`);
      const to = ports.get(port);
      if (to === undefined) return;
      const saved = b.current;
      if (sharedSet.has(to)) b.line(`return ${isAsync ? 'await ' : ''}${stepName(to)}();`);
      else emitNode(to);
      b.current = saved;
    };
    b.current = { id, index: entry.index };
    const spanStart = b.offset;
    b.line(`// ${type} '${id}'`);
    if (debug) b.line(`await ${STEPS_LOCAL}.reach(${JSON.stringify(id)}, ${usesVars ? 'vars' : 'undefined'});`);
    else if (steps) b.line(`${STEPS_LOCAL}?.step(${JSON.stringify(id)});`);
    const wired = steps && branching ? (port: string) => portsOf(type, raw).includes(port) : (port: string) => ports.has(port);
    const ctx = steps ? `__wsflow.at(ctx, ${JSON.stringify(id)})` : 'ctx';
    const context = makeContext(b, raw, isAsync, `${order.indexOf(id)}`, follow, wired, event, ctx);
    // A branching node's span contains its branches; locating picks the innermost span.
    emitterOf(type).emit(context);
    b.spans.push({ nodeId: id, nodeIndex: entry.index, start: spanStart, end: b.offset });
    if (!branching) follow(NEXT);
    active.delete(id);
  };

  for (const id of shared) {
    b.line(`${isAsync ? 'async ' : ''}function ${stepName(id)}()${sig.returns ? `: ${isAsync ? `Promise<${sig.returns}>` : sig.returns}` : ''} {`);
    b.indent(1);
    emitNode(id);
    b.indent(-1);
    b.line('}');
  }
  if (sharedSet.has(start)) b.line(`return ${isAsync ? 'await ' : ''}${stepName(start)}();`);
  else emitNode(start);
  b.indent(-1);
  b.line('}');
  return { eventId, eventIndex, event, code: b.text(), nodes: order, segments: b.segments, spans: b.spans };
}

function makeContext(
  b: Builder,
  raw: Readonly<Record<string, unknown>>,
  isAsync: boolean,
  uid: string,
  follow: (port: string) => void,
  wired: (port: string) => boolean,
  event: ChainEvent,
  ctx: string,
): EmitContext {
  const text = (field: string) => {
    const v = raw[field];
    // A number or boolean from YAML reads as its text; an object as JSON, never "[object Object]".
    return typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);
  };
  const has = (field: string) => raw[field] !== undefined && raw[field] !== null;
  return {
    raw,
    event,
    await: isAsync ? 'await ' : '',
    uid,
    ctx,
    has,
    x: (field, fallback = 'undefined'): Part => (has(field) ? { field, kind: 'expr', raw: text(field) } : fallback),
    bare: (field, fallback): Part => (has(field) ? { field, kind: 'expr', raw: text(field), bare: true } : fallback),
    t: (field): Part => ({ field, kind: 'template', raw: text(field) }),
    lit: (field, value): Part => ({ field, kind: 'literal', raw: value ?? text(field) }),
    code: (field): Part => ({ field, kind: 'code', raw: text(field) }),
    str: (field, fallback) => (has(field) ? text(field) : fallback),
    line: (...parts) => b.line(...parts),
    indent: (delta) => b.indent(delta),
    follow,
    wired,
  };
}
