/**
 * The component pre-pass (docs/components.md): `inlineComponents` replaces each `component` node
 * by the component's action nodes with ids `<useId>/<innerId>`, its params bound, and its `output`
 * nodes wired to the use's port edges. Everything after it sees an ordinary flow; its locator sends
 * positions of inlined nodes back to the component file, with the file name in `file`.
 *
 * Pure: the Node side reads the files (`componentRefs` in components.ts says which) and hands
 * their texts in.
 */
import type { FieldPath, Locator, SourcePos } from './locate.ts';
import { NEXT } from './node-kind.ts';
import type { FlowDocument, FlowEdge, FlowNode, Problem } from './types.ts';
import { isObj, type Obj } from './is-obj.ts';
import { COMPONENT_CODES, COMPONENT_SUFFIX, parseComponent, resolveRef, type ComponentTexts, type ParamValue, type ParsedComponent } from './components.ts';
import { bindParams, unedit, type BoundText } from './component-params.ts';

const C = COMPONENT_CODES;
/** Uses nested deeper than this are refused: no real component tree needs it, a runaway one stops. */
const MAX_DEPTH = 16;
/** Inlined nodes of one flow, all uses together (a bound on nesting fan-out). */
const MAX_NODES = 20_000;

/** Where a node or edge of the inlined flow was written. */
interface Origin {
  file: string | undefined;
  locate: Locator;
  index: number;
  /** Per field, the params replaced in its text (to map positions back). */
  edits?: ReadonlyMap<string, BoundText>;
}

export interface InlinedFlow {
  /** The flow with every component inlined (the same object when it has none). */
  flow: FlowDocument;
  /** Positions of the inlined flow, in the flow file or (with `file` set) a component file. */
  locate: Locator;
  problems: Problem[];
  /** Use id (`fmt`, `outer/inner`) -> the component file it inlines. */
  uses: ReadonlyMap<string, { file: string; name: string }>;
  /** Component files read (hot reload watches them). */
  files: string[];
}

interface Level {
  nodes: FlowNode[];
  edges: FlowEdge[];
  nodeOrigins: Origin[];
  edgeOrigins: Origin[];
}

interface Context {
  /** Undefined: the caller could not read files (the canvas): uses are kept, unchecked. */
  texts: ComponentTexts | undefined;
  parsed: Map<string, ParsedComponent>;
  problems: Problem[];
  uses: Map<string, { file: string; name: string }>;
  count: number;
}

export function inlineComponents(flow: FlowDocument, locate: Locator, file: string | undefined, texts: ComponentTexts | undefined): InlinedFlow {
  const nodes = Array.isArray(flow.nodes) ? flow.nodes : [];
  const edges = Array.isArray(flow.edges) ? flow.edges : [];
  const ctx: Context = { texts, parsed: new Map(), problems: [], uses: new Map(), count: 0 };
  nodes.forEach((n, i) => {
    if (isObj(n) && n.type === 'output') {
      const at = locate(['nodes', i, 'type']);
      ctx.problems.push({ severity: 'error', code: C.OUTPUT_OUTSIDE, message: `'${String(n.id)}' is an output node, which ends a path of a component file (*${COMPONENT_SUFFIX}); a flow's chain just ends.`, file, line: at?.line, col: at?.col, nodeId: typeof n.id === 'string' ? n.id : undefined, field: 'type' });
    }
  });
  if (!nodes.some((n) => isObj(n) && n.type === 'component')) {
    return { flow, locate, problems: ctx.problems, uses: ctx.uses, files: [] };
  }
  const origin = (index: number): Origin => ({ file, locate, index });
  const level: Level = { nodes, edges, nodeOrigins: nodes.map((_, i) => origin(i)), edgeOrigins: edges.map((_, i) => origin(i)) };
  const out = expand(level, file ?? '', [], 0, ctx);
  const locateInlined: Locator = (path, inner) => {
    const list = path[0] === 'nodes' ? out.nodeOrigins : path[0] === 'edges' ? out.edgeOrigins : undefined;
    const o = list && typeof path[1] === 'number' ? list[path[1]] : undefined;
    if (!o) return locate(path, inner);
    const field = typeof path[2] === 'string' ? path[2] : undefined;
    const edits = field !== undefined ? o.edits?.get(field) : undefined;
    const at = o.locate([path[0] as string, o.index, ...path.slice(2)], inner && edits && path.length === 3 ? unedit(inner, edits) : inner);
    return at && o.file !== file ? { ...at, file: o.file } : at;
  };
  return { flow: { ...flow, nodes: out.nodes, edges: out.edges }, locate: locateInlined, problems: ctx.problems, uses: ctx.uses, files: [...ctx.parsed.keys()] };
}

/** Replaces the component nodes of one level by their chains (recursively), and rewires its edges. */
type Wiring = Map<string, { entry: string; name: string; outputs: Map<string, string[]> } | { failed: true }>;

function expand(level: Level, levelFile: string, stack: string[], depth: number, ctx: Context): Level & { wiring: Wiring } {
  const out: Level = { nodes: [], edges: [], nodeOrigins: [], edgeOrigins: [] };
  /** use id -> where its edges go: the entry, and per output name the output nodes. */
  const wiring: Wiring = new Map();
  level.nodes.forEach((node, i) => {
    const origin = level.nodeOrigins[i] as Origin;
    if (!isObj(node) || node.type !== 'component' || typeof node.id !== 'string') {
      out.nodes.push(node);
      out.nodeOrigins.push(origin);
      return;
    }
    const useId = node.id;
    const problem = (code: string, message: string, path: FieldPath, inner?: SourcePos) => {
      const at = origin.locate(['nodes', origin.index, ...path], inner) ?? origin.locate(['nodes', origin.index]);
      ctx.problems.push({ severity: 'error', code, message, file: origin.file, line: at?.line, col: at?.col, nodeId: useId, field: path.join('.') || undefined });
    };
    const inlined = typeof node.ref === 'string' && ctx.texts ? useComponent(node, useId, resolveRef(levelFile, node.ref), problem, stack, depth, ctx) : undefined;
    if (!inlined) {
      // Kept as it is, with the ports its edges name, so that only the real problem is reported.
      const ports = new Set(level.edges.filter((e) => isObj(e) && e.from === useId).map((e) => (typeof e.port === 'string' ? e.port : NEXT)));
      out.nodes.push({ ...node, ports: [...ports] } as FlowNode);
      out.nodeOrigins.push(origin);
      wiring.set(useId, { failed: true });
      return;
    }
    out.nodes.push(...inlined.level.nodes);
    out.nodeOrigins.push(...inlined.level.nodeOrigins);
    out.edges.push(...inlined.level.edges);
    out.edgeOrigins.push(...inlined.level.edgeOrigins);
    wiring.set(useId, { entry: inlined.entry, name: inlined.name, outputs: inlined.outputs });
  });

  level.edges.forEach((edge, i) => {
    const origin = level.edgeOrigins[i] as Origin;
    if (!isObj(edge)) {
      out.edges.push(edge);
      out.edgeOrigins.push(origin);
      return;
    }
    const to = typeof edge.to === 'string' ? wiring.get(edge.to) : undefined;
    const from = typeof edge.from === 'string' ? wiring.get(edge.from) : undefined;
    let rewired: FlowEdge = to && !('failed' in to) ? { ...edge, to: to.entry } : { ...edge };
    if (from && 'failed' in from) {
      rewired = { ...rewired, port: typeof edge.port === 'string' ? edge.port : NEXT };
    } else if (from) {
      const names = [...from.outputs.keys()];
      const port = typeof edge.port === 'string' ? edge.port : names.length === 1 ? names[0] : undefined;
      const at = origin.locate(['edges', origin.index, ...(edge.port !== undefined ? ['port'] : [])]);
      const targets = port !== undefined ? from.outputs.get(port) : undefined;
      if (!targets) {
        const message =
          names.length === 0
            ? `Component '${from.name}' (node '${String(edge.from)}') has no outputs (no 'output' node), so no edge can leave it.`
            : port === undefined
              ? `This edge leaves '${String(edge.from)}' (component '${from.name}') without a 'port'; write one of its outputs: ${names.join(', ')}.`
              : `Component '${from.name}' (node '${String(edge.from)}') has no output '${port}'; its outputs are ${names.join(', ')}.`;
        ctx.problems.push({ severity: 'error', code: C.OUTPUT_UNKNOWN, message, file: origin.file, line: at?.line, col: at?.col, nodeId: String(edge.from), field: edge.port !== undefined ? 'port' : undefined });
        return;
      }
      // Each output node of that name goes on where the use's edge goes.
      for (const outputId of targets) {
        const { port: _port, ...rest } = rewired;
        out.edges.push({ ...rest, from: outputId });
        out.edgeOrigins.push(origin);
      }
      return;
    }
    out.edges.push(rewired);
    out.edgeOrigins.push(origin);
  });
  return { ...out, wiring };
}

type UseProblem = (code: string, message: string, path: FieldPath, inner?: SourcePos) => void;

function useComponent(use: Obj, useId: string, path: string, problem: UseProblem, stack: string[], depth: number, ctx: Context) {
  if (stack.includes(path) || depth >= MAX_DEPTH) {
    const chain = [...stack.slice(stack.indexOf(path) < 0 ? 0 : stack.indexOf(path)), path].map(baseName).join(' -> ');
    problem(C.CYCLE, stack.includes(path) ? `Component '${baseName(path)}' uses itself (${chain}); a component may use others, but never in a loop.` : `Components are nested more than ${MAX_DEPTH} deep here (${chain}).`, ['ref']);
    return undefined;
  }
  let parsed = ctx.parsed.get(path);
  if (!parsed) {
    const text = ctx.texts?.get(path);
    if (text === undefined) {
      problem(C.NOT_FOUND, `The component file '${path}' does not exist${path.endsWith(COMPONENT_SUFFIX) ? '' : ` (component files end in '${COMPONENT_SUFFIX}')`}.`, ['ref']);
      return undefined;
    }
    parsed = parseComponent(text, path);
    ctx.parsed.set(path, parsed);
    // Reported once per file, however many nodes use it, naming the first.
    ctx.problems.push(...parsed.problems.map((p) => ({ ...p, message: `${p.message} (component used by '${useId}')` })));
  }
  const component = parsed.component;
  if (!component) {
    if (parsed.problems.some((p) => p.severity === 'error')) problem(C.INVALID, `Component '${baseName(path)}' has problems (listed at ${path}); fix them first.`, ['ref']);
    return undefined;
  }
  ctx.uses.set(useId, { file: path, name: component.name });

  // Params: the use's values over the defaults.
  const values = new Map<string, ParamValue>();
  const given = isObj(use.params) ? use.params : {};
  if (use.params !== undefined && !isObj(use.params)) problem(C.PARAM_TYPE, `'params' must be a mapping of the component's param names to values.`, ['params']);
  for (const [name, value] of Object.entries(given)) {
    const spec = component.params[name];
    if (!spec) {
      const known = Object.keys(component.params);
      problem(C.PARAM_UNKNOWN, `Component '${component.name}' has no param '${name}'; ${known.length > 0 ? `its params are ${known.join(', ')}` : 'it takes no params'}.`, ['params', name]);
      continue;
    }
    if (typeof value !== spec.type) {
      problem(C.PARAM_TYPE, `Param '${name}' of component '${component.name}' is a ${spec.type}, not ${JSON.stringify(value)}.`, ['params', name]);
      continue;
    }
    values.set(name, value as ParamValue);
  }
  for (const [name, spec] of Object.entries(component.params)) {
    if (given[name] !== undefined) continue;
    if (spec.default !== undefined) values.set(name, spec.default);
    else problem(C.PARAM_MISSING, `Component '${component.name}' needs param '${name}' (a ${spec.type}${spec.description ? `: ${spec.description}` : ''}); add it under 'params'.`, use.params === undefined ? ['ref'] : ['params']);
  }

  // The component's nodes and edges, with prefixed ids and params bound.
  const prefix = (id: unknown) => (typeof id === 'string' ? `${useId}/${id}` : id);
  const level: Level = { nodes: [], edges: [], nodeOrigins: [], edgeOrigins: [] };
  const outputs = new Map<string, string[]>(component.outputs.map((n) => [n, []]));
  component.nodes.forEach((node, index) => {
    if (!isObj(node)) {
      level.nodes.push(node);
      level.nodeOrigins.push({ file: path, locate: parsed.locate, index });
      return;
    }
    const unknownParam = (field: string, name: string, inner: SourcePos) => {
      const at = parsed.locate(['nodes', index, field], inner);
      ctx.problems.push({ severity: 'error', code: C.PARAM_UNKNOWN, message: `'params.${name}' is not a param of component '${component.name}'; declare it under 'params'.`, file: path, line: at?.line, col: at?.col, nodeId: String(prefix(node.id)), field });
    };
    const bound = bindParams(node, values, component.params, unknownParam);
    const id = prefix(node.id);
    level.nodes.push({ ...bound.node, id } as FlowNode);
    level.nodeOrigins.push({ file: path, locate: parsed.locate, index, edits: bound.edits });
    if (node.type === 'output' && typeof node.name === 'string' && typeof id === 'string') outputs.get(node.name)?.push(id);
    ctx.count++;
  });
  component.edges.forEach((edge, index) => {
    level.edges.push(isObj(edge) ? ({ ...edge, from: prefix(edge.from), to: prefix(edge.to) } as FlowEdge) : edge);
    level.edgeOrigins.push({ file: path, locate: parsed.locate, index });
  });
  if (ctx.count > MAX_NODES) {
    problem(C.CYCLE, `Components inline to more than ${MAX_NODES} nodes here; no flow needs that many.`, ['ref']);
    return undefined;
  }
  const nested = expand(level, path, [...stack, path], depth + 1, ctx);
  // An entry that is itself a component use starts where that one starts.
  let entry = `${useId}/${component.entry}`;
  for (let hop = 0; hop < MAX_DEPTH; hop++) {
    const w = nested.wiring.get(entry);
    if (!w || 'failed' in w) break;
    entry = w.entry;
  }
  return { level: nested, entry, name: component.name, outputs };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
