/**
 * Components (docs/components.md): a chain kept in its own file, `NAME.wsflow-component.yaml`,
 * used by `component` nodes. This module is the file format: the component file read and checked
 * (`parseComponent`), refs resolved; the inlining pre-pass is component-inline.ts, the params
 * bound into field texts component-params.ts. `inlineComponents` is a pure pre-pass: each use becomes the
 * component's action nodes with ids `<useId>/<innerId>`, `params.NAME` replaced by the use's value,
 * and the component's `output` nodes wired to the use's port edges. Everything after it (structure,
 * type checks, the chain compiler, the engine, the exporter) sees an ordinary flow; its locator
 * sends positions of inlined nodes back to the component file, with the file name in `file`.
 *
 * Pure: the Node side reads the files (`componentRefs` says which) and hands their texts in.
 */
import { isMap } from 'yaml';
import type { FieldPath, Locator } from './locate.ts';
import { readYaml } from './read-yaml.ts';
import { kindOf } from './registry.ts';
import type { FlowEdge, FlowNode, Problem } from './types.ts';
import { isObj, type Obj } from './is-obj.ts';

export const COMPONENT_SUFFIX = '.wsflow-component.yaml';
export const COMPONENT_FORMAT_VERSION = 1;

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

