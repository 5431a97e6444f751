/**
 * Integration (connector) nodes: what they hold, how they may be wired, and their checks.
 *
 * Two ways to use one:
 * - as a **connection binding**, wired from a service (`service -> wsBackend`): the engine opens
 *   it for every connection of the service, on its main thread, with no snippet. Fields are
 *   templates over `env` and the connection (template.ts), filled when the connection opens.
 * - as a **chain step** (`http`, `mqttOut`, `redisOut` after an event node): it compiles to a call
 *   of the snippet API (`ctx.http`, `ctx.mqtt(url).publish`, `ctx.redis(url).publish`).
 * Pure: the designer, validation, the engine and the exporters share it.
 */
import type { FieldPath, Locator } from './locate.ts';
import { checkFieldValue } from './kind-fields.ts';
import { fieldsFor, isBindingType, isConnectorType, kindOf, type ConnectorType } from './registry.ts';
import { scanTemplate } from './template.ts';
import { envRefs } from './env-refs.ts';
import type { FlowDocument, Problem } from './types.ts';
import { isObj } from './is-obj.ts';

export { BINDING_TYPES, CONNECTOR_TYPES, isBindingType, isConnectorType, type BindingType, type ConnectorType } from './registry.ts';

/** An integration node as written; its fields are its kind's (runtime/model/kinds/), typed there by NodeOf. */
export interface ConnectorNode {
  id: string;
  type: ConnectorType;
  position?: { x: number; y: number };
  label?: string;
  description?: string;
  [extra: string]: unknown;
}

/** Stable problem codes of connector nodes (docs/errors/connectors.md). */
export const CONNECTOR_CODES = {
  FIELD_MISSING: 'WSF_CONNECTOR_FIELD_MISSING',
  FIELD_INVALID: 'WSF_CONNECTOR_FIELD_INVALID',
  TEMPLATE_INVALID: 'WSF_TEMPLATE_INVALID',
  PARAM_UNKNOWN: 'WSF_TEMPLATE_PARAM_UNKNOWN',
  ENV_UNSET: 'WSF_ENV_UNSET',
  NO_SERVICE: 'WSF_CONNECTOR_NO_SERVICE',
  BACKEND_DUPLICATE: 'WSF_WS_BACKEND_DUPLICATE',
} as const;


type Report = (code: string, message: string, path: FieldPath, nodeId: string | undefined, offset?: number) => void;

function problemReporter(problems: Problem[], locate: Locator, file: string | undefined, severity: Problem['severity'] = 'error'): Report {
  return (code, message, path, nodeId, offset) => {
    // A template sits on one line in nearly every flow: point into it when we can.
    const at = (offset !== undefined ? locate(path, { line: 1, col: offset + 1 }) : undefined) ?? locate(path) ?? locate([]);
    problems.push({ severity, code, message, file: at?.file ?? file, line: at?.line, col: at?.col, nodeId, field: path.slice(2).join('.') || undefined });
  };
}

function checkTemplate(value: string, path: FieldPath, nodeId: string, params: ReadonlySet<string> | undefined, report: Report): void {
  const scanned = scanTemplate(value);
  for (const issue of scanned.issues) report(CONNECTOR_CODES.TEMPLATE_INVALID, issue.message, path, nodeId, issue.offset);
  if (!params) return;
  for (const ref of scanned.refs) {
    if (ref.path[0] === 'conn' && ref.path[1] === 'params' && !params.has(ref.path[2] ?? '')) {
      const known = [...params].map((p) => `{${p}}`).join(', ') || 'none';
      report(CONNECTOR_CODES.PARAM_UNKNOWN, `'${ref.text}' names no path parameter of this service's upgrade paths (they have ${known})`, path, nodeId, ref.offset);
    }
  }
}

/**
 * Field checks of every connector node, and for bindings the template references (a
 * `conn.params.X` that no upgrade path of the service declares). `pathParams` maps a service id to
 * the names its upgraders' paths declare; undefined skips that check.
 */
export function validateConnectors(flow: FlowDocument, locate: Locator, file?: string, pathParams?: ReadonlyMap<string, ReadonlySet<string>>): Problem[] {
  const problems: Problem[] = [];
  const report = problemReporter(problems, locate, file);
  const nodes: unknown[] = Array.isArray(flow.nodes) ? flow.nodes : [];
  const edges: unknown[] = Array.isArray(flow.edges) ? flow.edges : [];
  const typeOf = new Map<string, unknown>();
  for (const n of nodes) if (isObj(n) && typeof n.id === 'string') typeOf.set(n.id, n.type);
  const serviceOf = new Map<string, string>();
  for (const e of edges) {
    if (!isObj(e) || typeof e.from !== 'string' || typeof e.to !== 'string') continue;
    if (typeOf.get(e.from) === 'service' && isBindingType(typeOf.get(e.to))) serviceOf.set(e.to, e.from);
  }
  /** Bound nodes of each kind per service, in file order (a kind's check sees the ones before it). */
  const boundBefore = new Map<string, string[]>();
  nodes.forEach((raw, index) => {
    if (!isObj(raw) || !isConnectorType(raw.type) || typeof raw.id !== 'string') return;
    const kind = kindOf(raw.type);
    if (!kind) return;
    const id = raw.id;
    const base: FieldPath = ['nodes', index];
    const service = serviceOf.get(id);
    // As a chain step (http, mqttOut, redisOut after an event node) its fields are chain fields,
    // checked with the chain (model/chains.ts); here only bindings and the kinds that are never steps.
    if (service === undefined && kind.chain !== undefined) return;
    const params = service !== undefined ? pathParams?.get(service) : undefined;
    for (const [name, field] of fieldsFor(kind, 'binding')) {
      const value = raw[name];
      const path = [...base, name];
      if (value === undefined) {
        if (field.required) report(CONNECTOR_CODES.FIELD_MISSING, `${kind.id} node '${id}' needs '${name}': ${field.help}`, base, id);
        continue;
      }
      const wrong = checkFieldValue(field, value, 'binding');
      if (wrong) {
        report(CONNECTOR_CODES.FIELD_INVALID, `'${name}' of '${id}' ${wrong}`, path, id);
        continue;
      }
      if (field.kind === 'template' && typeof value === 'string') checkTemplate(value, path, id, params, report);
      if (field.kind === 'templateMap' && isObj(value)) for (const [k, v] of Object.entries(value)) if (typeof v === 'string') checkTemplate(v, [...path, k], id, params, report);
    }
    const key = `${service ?? ''}\u0000${kind.id}`;
    const siblings = service !== undefined ? (boundBefore.get(key) ?? []) : [];
    if (service !== undefined) boundBefore.set(key, [...siblings, id]);
    kind.check?.(raw, {
      role: 'binding',
      siblings,
      error: (code, message, field) => {
        const stable = code === 'missing' ? CONNECTOR_CODES.FIELD_MISSING : code === 'invalid' || code === 'conflict' ? CONNECTOR_CODES.FIELD_INVALID : code;
        report(stable, message, field === undefined ? base : [...base, field], id);
      },
    });
  });
  return problems;
}

export interface EnvReference {
  name: string;
  nodeId: string;
  /** Path of the field inside the document, e.g. `['nodes', 2, 'url']`. */
  path: FieldPath;
}

/** Fields that are never configuration: snippets, notes and canvas positions. */
const NOT_CONFIG = new Set(['code', 'label', 'description', 'disabled', 'position', 'id', 'type']);

/** Every `${env.NAME}` in the configuration fields of every node (any node type), in file order. */
export function envReferences(flow: FlowDocument): EnvReference[] {
  const refs: EnvReference[] = [];
  const walk = (value: unknown, path: (string | number)[], nodeId: string) => {
    if (typeof value === 'string') {
      for (const name of envRefs(value)) refs.push({ name, nodeId, path });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], nodeId));
    else if (isObj(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k], nodeId);
  };
  const nodes: unknown[] = Array.isArray(flow.nodes) ? flow.nodes : [];
  nodes.forEach((node, index) => {
    if (!isObj(node) || typeof node.id !== 'string') return;
    for (const [key, value] of Object.entries(node)) if (!NOT_CONFIG.has(key)) walk(value, ['nodes', index, key], node.id);
  });
  return refs;
}

/** Variable names the flow needs, sorted, once each (for the exporters). */
export function envVariables(flow: FlowDocument): string[] {
  return [...new Set(envReferences(flow).map((r) => r.name))].sort();
}

/** One problem per reference to a variable that `env` does not set (or sets to an empty text). */
export function unsetEnvProblems(flow: FlowDocument, env: Readonly<Record<string, string | undefined>>, locate: Locator, file?: string, severity: Problem['severity'] = 'error'): Problem[] {
  const problems: Problem[] = [];
  const report = problemReporter(problems, locate, file, severity);
  for (const ref of envReferences(flow)) {
    const value = env[ref.name];
    if (value !== undefined && value !== '') continue;
    report(CONNECTOR_CODES.ENV_UNSET, `'${ref.path.slice(2).join('.')}' uses \${env.${ref.name}}, but ${ref.name} is not set (set it in the environment or pass --env-file).`, ref.path, ref.nodeId);
  }
  return problems;
}
