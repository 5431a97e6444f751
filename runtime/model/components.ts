/**
 * Components (docs/components.md): a chain kept in its own file, `NAME.wsflow-component.yaml`,
 * used by `component` nodes. `inlineComponents` is a pure pre-pass: each use becomes the
 * component's action nodes with ids `<useId>/<innerId>`, `params.NAME` replaced by the use's value,
 * and the component's `output` nodes wired to the use's port edges. Everything after it (structure,
 * type checks, the chain compiler, the engine, the exporter) sees an ordinary flow; its locator
 * sends positions of inlined nodes back to the component file, with the file name in `file`.
 *
 * Pure: the Node side reads the files (`componentRefs` says which) and hands their texts in.
 */
import { isMap } from 'yaml';
import type { FieldPath, Locator, SourcePos } from './locate.ts';
import { NEXT } from './node-kind.ts';
import { readYaml } from './read-yaml.ts';
import { kindOf } from './registry.ts';
import type { FlowDocument, FlowEdge, FlowNode, Problem } from './types.ts';
import { isObj, type Obj } from './is-obj.ts';

export const COMPONENT_SUFFIX = '.wsflow-component.yaml';
export const COMPONENT_FORMAT_VERSION = 1;
/** Uses nested deeper than this are refused: no real component tree needs it, a runaway one stops. */
const MAX_DEPTH = 16;
/** Inlined nodes of one flow, all uses together (a bound on nesting fan-out). */
const MAX_NODES = 20_000;

/** Stable problem codes of components (docs/errors/components.md). */
export const COMPONENT_CODES = {
  NOT_FOUND: 'WSF_COMPONENT_NOT_FOUND',
  INVALID: 'WSF_COMPONENT_INVALID',
  CYCLE: 'WSF_COMPONENT_CYCLE',
  PARAM_UNKNOWN: 'WSF_COMPONENT_PARAM_UNKNOWN',
  PARAM_TYPE: 'WSF_COMPONENT_PARAM_TYPE',
  PARAM_MISSING: 'WSF_COMPONENT_PARAM_MISSING',
  OUTPUT_UNKNOWN: 'WSF_COMPONENT_OUTPUT_UNKNOWN',
  OUTPUT_OUTSIDE: 'WSF_COMPONENT_OUTPUT_OUTSIDE',
} as const;
const C = COMPONENT_CODES;

export type ParamType = 'string' | 'number' | 'boolean';
export type ParamValue = string | number | boolean;
export interface ComponentParam {
  type: ParamType;
  default?: ParamValue;
  description?: string;
}

/** A component file, read. */
export interface ComponentDoc {
  name: string;
  params: Record<string, ComponentParam>;
  entry: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Output names, in the order their first node appears. */
  outputs: string[];
}

export interface ParsedComponent {
  component?: ComponentDoc;
  problems: Problem[];
  locate: Locator;
}

/** Texts of component files by path (as `resolveRef` spells it); undefined: the file is missing. */
export type ComponentTexts = ReadonlyMap<string, string | undefined>;

const PARAM_TYPES: readonly string[] = ['string', 'number', 'boolean'];
const PARAM_REF = /(?<![\w$.])params\.([A-Za-z_$][\w$]*)/g;

/** `ref` seen from the file `from` (POSIX paths, as written in flows): `a/b.yaml` + `./c.yaml` -> `a/c.yaml`. */
export function resolveRef(from: string, ref: string): string {
  if (ref.startsWith('/')) return normalize(ref);
  const slash = from.lastIndexOf('/');
  return normalize(slash < 0 ? ref : `${from.slice(0, slash + 1)}${ref}`);
}

function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (part !== '..' || !absolute) out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** The refs of the component nodes of a document (flow or component), as written. */
export function componentRefs(doc: unknown): string[] {
  if (!isObj(doc) || !Array.isArray(doc.nodes)) return [];
  return doc.nodes.filter((n): n is Obj => isObj(n) && n.type === 'component' && typeof n.ref === 'string').map((n) => n.ref as string);
}

export function parseComponent(text: string, file: string): ParsedComponent {
  const { document, locate, problems, syntaxBroken } = readYaml(text, file);
  if (syntaxBroken) return { problems, locate };
  const report = (message: string, path: FieldPath, code: string = C.INVALID) => {
    const at = locate(path) ?? locate([]);
    problems.push({ severity: 'error', code, message, file, line: at?.line ?? 1, col: at?.col ?? 1, field: path.join('.') || undefined });
  };
  if (!isMap(document.contents)) {
    report(`A component file must be a YAML mapping that starts with 'wsflow-component: 1'.`, []);
    return { problems, locate };
  }
  const raw = document.toJS({ maxAliasCount: 100 }) as Obj;
  if (raw['wsflow-component'] !== COMPONENT_FORMAT_VERSION) {
    report(`A component file starts with 'wsflow-component: ${COMPONENT_FORMAT_VERSION}'${raw['wsflow-component'] === undefined ? '' : `, not ${JSON.stringify(raw['wsflow-component'])}`}.`, raw['wsflow-component'] === undefined ? [] : ['wsflow-component']);
  }
  if (typeof raw.name !== 'string' || raw.name.trim() === '') report(`The component has no 'name'; give it one (it titles the node in the designer).`, ['name']);
  const nodes = Array.isArray(raw.nodes) ? raw.nodes : [];
  const edges = Array.isArray(raw.edges) ? raw.edges : [];
  if (!Array.isArray(raw.nodes) || nodes.length === 0) report(`The component has no 'nodes'; list the action nodes of its chain.`, ['nodes']);
  if (raw.edges !== undefined && !Array.isArray(raw.edges)) report(`'edges' must be a list like '- { from: a, to: b }'.`, ['edges']);
  const ids = new Set(nodes.filter(isObj).map((n) => n.id).filter((id): id is string => typeof id === 'string'));
  if (typeof raw.entry !== 'string' || raw.entry === '') report(`The component has no 'entry'; name the node its chain starts at.`, ['entry']);
  else if (!ids.has(raw.entry)) report(`'entry' names '${raw.entry}', but the component has no node with that id.`, ['entry']);

  const params: Record<string, ComponentParam> = {};
  if (raw.params !== undefined && !isObj(raw.params)) report(`'params' must be a mapping of names to '{ type: string | number | boolean, default?, description? }'.`, ['params']);
  for (const [name, spec] of Object.entries(isObj(raw.params) ? raw.params : {})) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) report(`Param '${name}' is not a plain name (letters, digits, _ and $); expressions read it as 'params.NAME'.`, ['params', name]);
    if (!isObj(spec) || typeof spec.type !== 'string' || !PARAM_TYPES.includes(spec.type)) {
      report(`Param '${name}' needs 'type: string', 'type: number' or 'type: boolean'.`, isObj(spec) && spec.type !== undefined ? ['params', name, 'type'] : ['params', name], C.PARAM_TYPE);
      continue;
    }
    const type = spec.type as ParamType;
    if (spec.default !== undefined && typeof spec.default !== type) {
      report(`The default of param '${name}' (${JSON.stringify(spec.default)}) is not a ${type}.`, ['params', name, 'default'], C.PARAM_TYPE);
    }
    params[name] = { type, ...(typeof spec.default === type ? { default: spec.default as ParamValue } : {}), ...(typeof spec.description === 'string' ? { description: spec.description } : {}) };
  }

  const outputs: string[] = [];
  const outputIds = new Set<string>();
  nodes.forEach((n, i) => {
    if (!isObj(n)) return;
    const kind = kindOf(n.type);
    if (kind && kind.chain === undefined) {
      report(`A component holds a chain of action nodes; '${String(n.id)}' is ${/^[aeiou]/i.test(String(n.type)) ? 'an' : 'a'} ${String(n.type)} node, which belongs in a flow.`, ['nodes', i, 'type']);
    }
    if (n.type === 'output') {
      if (typeof n.id === 'string') outputIds.add(n.id);
      if (typeof n.name === 'string' && !outputs.includes(n.name)) outputs.push(n.name);
    }
  });
  edges.forEach((e, i) => {
    if (isObj(e) && typeof e.from === 'string' && outputIds.has(e.from)) {
      report(`'${e.from}' is an output: it ends the path, so no edge leaves it (the using node's edge for that output goes on).`, ['edges', i]);
    }
  });
  if (problems.some((p) => p.severity === 'error')) return { problems, locate };
  const component: ComponentDoc = { name: raw.name as string, params, entry: raw.entry as string, nodes: nodes as FlowNode[], edges: edges as FlowEdge[], outputs };
  return { component, problems, locate };
}

/** Where a node or edge of the inlined flow was written. */
interface Origin {
  file: string | undefined;
  locate: Locator;
  index: number;
  /** Per field, the params replaced in its text (to map positions back). */
  edits?: ReadonlyMap<string, BoundText>;
}
/** A replacement at `at` (offset in the new text) of `from` characters by `to` characters. */
interface Edit {
  at: number;
  from: number;
  to: number;
}
interface BoundText {
  written: string;
  bound: string;
  edits: Edit[];
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

/**
 * `params.NAME` bound to the use's value. A field that is only `params.NAME` takes the value itself
 * (a number stays a number); in expressions and code it becomes a literal, in templates only
 * inside `${...}`. A component node's `params` pass values on to the components it uses.
 */
function bindParams(
  node: Obj,
  values: ReadonlyMap<string, ParamValue>,
  specs: Readonly<Record<string, ComponentParam>>,
  unknown: (field: string, name: string, inner: SourcePos) => void,
): { node: Obj; edits: Map<string, BoundText> } {
  const kind = kindOf(node.type);
  const edits = new Map<string, BoundText>();
  const result: Obj = { ...node };
  const whole = (v: unknown): { hit: boolean; value?: ParamValue } => {
    const m = typeof v === 'string' ? /^\s*params\.([A-Za-z_$][\w$]*)\s*$/.exec(v) : null;
    return m ? { hit: true, value: values.get(m[1] as string) } : { hit: false };
  };
  for (const [field, value] of Object.entries(node)) {
    if (field === 'id' || field === 'type' || typeof value !== 'string' && !(field === 'params' && isObj(value))) continue;
    if (field === 'params' && node.type === 'component' && isObj(value)) {
      const passed: Obj = {};
      for (const [k, v] of Object.entries(value)) {
        const w = whole(v);
        passed[k] = w.hit && w.value !== undefined ? w.value : v;
      }
      result.params = passed;
      continue;
    }
    if (typeof value !== 'string' || !value.includes('params.')) continue;
    const fieldKind = kind?.fields[field]?.kind;
    const w = whole(value);
    if (w.hit && w.value !== undefined && fieldKind !== 'template' && fieldKind !== 'expr' && fieldKind !== 'code') {
      result[field] = w.value;
      continue;
    }
    const inTemplate = fieldKind === 'template';
    const spans = inTemplate ? templateHoles(value) : [[0, value.length] as const];
    let text = '';
    let last = 0;
    let delta = 0;
    const list: Edit[] = [];
    for (const [start, end] of spans) {
      for (const m of value.slice(start, end).matchAll(PARAM_REF)) {
        const at = start + (m.index ?? 0);
        const name = m[1] as string;
        // An unknown param is reported here, so the type check need not add 'Cannot find name'.
        if (!(name in specs)) unknown(field, name, lineColAt(value, at));
        const v = values.get(name);
        if (v === undefined && name in specs) continue; // a missing param: reported on the use
        const literal = typeof v === 'string' ? JSON.stringify(v) : String(v);
        text += value.slice(last, at) + literal;
        list.push({ at: at + delta, from: m[0].length, to: literal.length });
        delta += literal.length - m[0].length;
        last = at + m[0].length;
      }
    }
    if (list.length === 0) continue;
    result[field] = text + value.slice(last);
    edits.set(field, { written: value, bound: result[field] as string, edits: list });
  }
  return { node: result, edits };
}

/** The `${...}` parts of a template (offsets of their insides). */
function templateHoles(text: string): [number, number][] {
  const holes: [number, number][] = [];
  for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 1)) {
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    holes.push([i + 2, j - 1]);
    i = j - 1;
  }
  return holes;
}

function lineColAt(text: string, offset: number): SourcePos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** A position in a field's bound text, moved back to the text as written in the component. */
function unedit(inner: SourcePos, text: BoundText): SourcePos {
  const lines = text.bound.split('\n');
  let offset = inner.col - 1;
  for (let l = 0; l < inner.line - 1 && l < lines.length; l++) offset += (lines[l] as string).length + 1;
  let shift = 0;
  for (const e of text.edits) {
    if (offset >= e.at + e.to) shift += e.to - e.from;
    else if (offset >= e.at) {
      offset = e.at;
      break;
    }
  }
  return lineColAt(text.written, Math.max(0, offset - shift));
}
