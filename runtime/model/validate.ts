/**
 * Structural rules of a flow (pure): ids, node types, ports, paths and the upgrader -> service ->
 * handler graph. Works on data that may not match the schema yet (the designer shows a flow while
 * it is being edited), so every field is checked before use. Reports every problem, never stops
 * at the first.
 */
import { validateChains, type ChainGraphNode, type Report } from './chains.ts';
import { isDisabled } from './disabled.ts';
import { MODEL_CODES as C } from './codes.ts';
import { edgeTypeRule } from './edges.ts';
import type { FieldPath, Locator } from './locate.ts';
import { normalizedRouteKey, scanPathTemplate } from './path-template.ts';
import { httpStepRules, serviceLimitRules, upgraderSecurityRules } from './security-rules.ts';
import { channelRules } from './channels.ts';
import { channelRefProblems } from './channel-refs.ts';
import { CONNECTOR_CODES, isBindingType, isConnectorType, validateConnectors } from './connectors.ts';
import { FLOW_FORMAT_VERSION, HANDLER_EVENTS, NODE_TYPES, isActionType, type FlowDocument, type Problem } from './types.ts';
import { isObj, type Obj } from './is-obj.ts';

const isHandlerType = (t: unknown) => typeof t === 'string' && (HANDLER_EVENTS as readonly string[]).includes(t);

interface GraphNode {
  index: number;
  id: string;
  type: string;
}

export function validateStructure(flow: FlowDocument, locate: Locator, file?: string): Problem[] {
  const problems: Problem[] = [];
  const doc = flow as unknown as Obj;
  const nodeList = Array.isArray(doc.nodes) ? doc.nodes : [];
  const disabledIds = new Set(nodeList.filter(isDisabled).map((n) => (n as { id?: unknown }).id));
  const report: Report = (code, message, path, extra = {}) => {
    const at = locate(path, extra.inner) ?? locate([]);
    const nodeField = path[0] === 'nodes' && typeof path[1] === 'number';
    // A disabled node never runs (disabled.ts): what is wrong with it is a warning, not an error.
    const off = (nodeField && isDisabled(nodeList[path[1] as number])) || (extra.nodeId !== undefined && disabledIds.has(extra.nodeId));
    problems.push({
      severity: off ? 'warning' : (extra.severity ?? 'error'),
      code,
      message,
      file: at?.file ?? file,
      line: at?.line,
      col: at?.col,
      nodeId: extra.nodeId,
      field: (nodeField ? path.slice(2) : path).join('.') || undefined,
    });
  };

  if (doc.wsflow !== undefined && doc.wsflow !== FLOW_FORMAT_VERSION) {
    report(C.VERSION_UNSUPPORTED, `This file is wsflow format ${JSON.stringify(doc.wsflow)}, but this version of wsflow reads only format ${FLOW_FORMAT_VERSION}.`, ['wsflow']);
  }
  const listener = doc.listener;
  if (isObj(listener) && listener.port !== undefined) {
    const port = listener.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      report(C.PORT_INVALID, `The listener port must be a whole number from 1 to 65535, not ${JSON.stringify(port)}.`, ['listener', 'port']);
    }
  }

  // Nodes: ids, types and per-type fields.
  const rawNodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  const byId = new Map<string, GraphNode>();
  const chainNodes = new Map<string, ChainGraphNode>();
  // Handlers wired to a chain need no code: find them before the per-node checks.
  const chainStarts = new Set<string>();
  if (Array.isArray(doc.edges)) {
    const types = new Map(rawNodes.filter(isObj).map((n) => [n.id, n.type] as const));
    for (const e of doc.edges) if (isObj(e) && typeof e.from === 'string' && isActionType(types.get(e.to))) chainStarts.add(e.from);
  }
  rawNodes.forEach((raw, index) => {
    const base: FieldPath = ['nodes', index];
    if (!isObj(raw)) {
      report(C.NODE_INVALID, `Each entry of 'nodes' must be a mapping with at least 'id' and 'type'.`, base);
      return;
    }
    const id = typeof raw.id === 'string' && raw.id.trim() !== '' ? raw.id : undefined;
    if (!id) {
      report(C.NODE_ID_MISSING, `This node has no 'id'; every node needs a unique text id.`, [...base, 'id']);
    }
    const type = raw.type;
    const known = typeof type === 'string' && (NODE_TYPES as readonly string[]).includes(type);
    if (!known) {
      const hint = typeof type === 'string' ? NODE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase()) : undefined;
      const shown = type === undefined ? 'no type' : `unknown type ${JSON.stringify(type)}`;
      report(
        C.NODE_TYPE_UNKNOWN,
        `Node '${id ?? `#${index + 1}`}' has ${shown}; use one of ${NODE_TYPES.join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}.`,
        [...base, 'type'],
        { nodeId: id },
      );
    }
    if (id) {
      const first = byId.get(id);
      if (first) {
        const firstAt = locate(['nodes', first.index, 'id']);
        report(C.NODE_ID_DUPLICATE, `Node id '${id}' is used twice (first at line ${firstAt?.line ?? '?'}); ids must be unique.`, [...base, 'id'], { nodeId: id });
      } else {
        byId.set(id, { index, id, type: known ? (type as string) : '?' });
        if (known) chainNodes.set(id, { index, id, type: type as string, raw });
      }
    }
    if (type === 'upgrader') checkUpgrader(raw, base, id, report);
    const fieldRules =
      type === 'upgrader' ? upgraderSecurityRules(raw, id ?? `#${index + 1}`) : type === 'service' ? serviceLimitRules(raw) : type === 'http' ? httpStepRules(raw, id ?? `#${index + 1}`) : [];
    for (const r of fieldRules) report(r.code, r.message, [...base, ...r.field], { nodeId: id, severity: r.severity === 'warning' ? 'warning' : undefined });
    if (type === 'service') for (const r of channelRules(raw)) report(C.CHANNEL_INVALID, `Service '${id ?? `#${index + 1}`}': ${r.message}`, [...base, ...r.field], { nodeId: id });
    if (isHandlerType(type) && (typeof raw.code !== 'string' || raw.code.trim() === '') && !(id && chainStarts.has(id))) {
      report(C.HANDLER_CODE_MISSING, `Handler '${id ?? `#${index + 1}`}' has no code; write its snippet under 'code: |' or wire it to a chain of action nodes.`, [...base, 'code'], { nodeId: id });
    }
  });

  // Edges.
  const rawEdges = Array.isArray(doc.edges) ? doc.edges : [];
  const upgraderServices = new Map<string, { service: string; edge: number }[]>();
  const serviceUpgraders = new Map<string, string[]>();
  const handlerServices = new Map<string, { service: string; edge: number }[]>();
  const serviceEvents = new Map<string, Map<string, string>>();
  const seen = new Set<string>();
  rawEdges.forEach((raw, index) => {
    const base: FieldPath = ['edges', index];
    if (!isObj(raw)) {
      report(C.EDGE_ENDPOINT_MISSING, `Each edge must be a mapping like '{ from: a, to: b }'.`, base);
      return;
    }
    const ends: Partial<Record<'from' | 'to', GraphNode>> = {};
    for (const end of ['from', 'to'] as const) {
      const value = raw[end];
      if (typeof value !== 'string' || value === '') {
        report(C.EDGE_ENDPOINT_MISSING, `This edge has no '${end}'; write it as '{ from: a, to: b }'.`, [...base, end], { nodeId: otherEnd(raw, end) });
        continue;
      }
      const node = byId.get(value);
      if (!node) {
        report(C.EDGE_DANGLING, `Edge ${end} '${value}' points to no node; there is no node with that id.`, [...base, end], { nodeId: otherEnd(raw, end) });
        continue;
      }
      ends[end] = node;
    }
    const { from, to } = ends;
    if (!from || !to || from.type === '?' || to.type === '?') return;
    const key = `${from.id}\u0000${to.id}\u0000${typeof raw.port === 'string' ? raw.port : ''}`;
    if (seen.has(key)) {
      report(C.EDGE_DUPLICATE, `The edge from '${from.id}' to '${to.id}' is listed twice.`, base, { nodeId: from.id });
      return;
    }
    seen.add(key);
    const rule = edgeTypeRule(from, to);
    if (rule) {
      report(C.EDGE_ILLEGAL, rule, base, { nodeId: from.id });
      return;
    }
    if (isActionType(to.type) && from.type !== 'service') return; // a chain edge: validateChains below
    if (from.type === 'upgrader') {
      push(upgraderServices, from.id, { service: to.id, edge: index });
      push(serviceUpgraders, to.id, from.id);
    } else if (isConnectorType(to.type)) {
      push(handlerServices, to.id, { service: from.id, edge: index });
    } else {
      push(handlerServices, to.id, { service: from.id, edge: index });
      const events = serviceEvents.get(from.id) ?? new Map<string, string>();
      serviceEvents.set(from.id, events);
      const other = events.get(to.type);
      if (other) {
        report(C.HANDLER_DUPLICATE_EVENT, `Service '${from.id}' already has an ${to.type} handler ('${other}'); a service has at most one handler per event.`, base, { nodeId: to.id });
      } else {
        events.set(to.type, to.id);
      }
    }
  });

  // Graph shape, per node.
  for (const node of byId.values()) {
    const at: FieldPath = ['nodes', node.index, 'id'];
    if (node.type === 'upgrader') {
      const services = upgraderServices.get(node.id) ?? [];
      if (services.length === 0) report(C.UPGRADER_NO_SERVICE, `Upgrader '${node.id}' is not connected to a service; add an edge '{ from: ${node.id}, to: <service> }'.`, at, { nodeId: node.id });
      for (const extra of services.slice(1)) {
        report(C.UPGRADER_MULTIPLE_SERVICES, `Upgrader '${node.id}' connects to more than one service ('${services[0]?.service}' and '${extra.service}'); an upgrader connects to exactly one.`, ['edges', extra.edge], { nodeId: node.id });
      }
    } else if (node.type === 'service') {
      if (!serviceUpgraders.has(node.id)) report(C.SERVICE_NO_UPGRADER, `Service '${node.id}' has no upgrader, so no client can reach it; connect an upgrader to it.`, at, { nodeId: node.id });
    } else if (isBindingType(node.type)) {
      const services = handlerServices.get(node.id) ?? [];
      if (services.length === 0 && !usedInChain(node.id, rawEdges)) {
        report(CONNECTOR_CODES.NO_SERVICE, `Connector '${node.id}' (${node.type}) is wired to no service and no chain, so it never runs; connect a service to it.`, at, { nodeId: node.id });
      }
      for (const extra of services.slice(1)) {
        report(C.HANDLER_MULTIPLE_SERVICES, `Connector '${node.id}' belongs to more than one service ('${services[0]?.service}' and '${extra.service}'); give each service its own node.`, ['edges', extra.edge], { nodeId: node.id });
      }
    } else if (isHandlerType(node.type)) {
      const services = handlerServices.get(node.id) ?? [];
      if (services.length === 0) report(C.HANDLER_NO_SERVICE, `Handler '${node.id}' (${node.type}) is not connected to a service, so it never runs.`, at, { nodeId: node.id });
      for (const extra of services.slice(1)) {
        report(C.HANDLER_MULTIPLE_SERVICES, `Handler '${node.id}' belongs to more than one service ('${services[0]?.service}' and '${extra.service}'); give each service its own handler node.`, ['edges', extra.edge], { nodeId: node.id });
      }
    }
  }

  validateChains(chainNodes, rawEdges, report);

  // Two upgraders on one route.
  const routes = new Map<string, string>();
  for (const node of byId.values()) {
    if (node.type !== 'upgrader') continue;
    const raw = rawNodes[node.index] as Obj;
    const basePath = typeof raw.basePath === 'string' ? raw.basePath : undefined;
    const upgradePath = typeof raw.upgradePath === 'string' ? raw.upgradePath : undefined;
    const key = normalizedRouteKey(basePath, upgradePath);
    const other = routes.get(key);
    if (other) {
      const field = upgradePath !== undefined ? 'upgradePath' : basePath !== undefined ? 'basePath' : 'id';
      report(C.PATH_DUPLICATE, `Upgraders '${other}' and '${node.id}' both serve the path '${key}'; each upgrade path must be unique.`, ['nodes', node.index, field], { nodeId: node.id });
    } else {
      routes.set(key, node.id);
    }
  }
  for (const p of channelRefProblems(rawNodes, rawEdges)) report(C.CHANNEL_UNKNOWN, p.message, ['nodes', p.index, 'channel'], { nodeId: p.id });
  problems.push(...validateConnectors(flow, locate, file, servicePathParams(rawNodes, upgraderServices)));
  return disabledIds.size === 0 ? problems : problems.map((p) => (p.severity === 'error' && p.nodeId !== undefined && disabledIds.has(p.nodeId) ? { ...p, severity: 'warning' } : p));
}

/** Per service, the path parameters every one of its upgrade paths declares (what a connector template may use). */
function servicePathParams(rawNodes: unknown[], upgraderServices: Map<string, { service: string }[]>): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const raw of rawNodes) {
    if (!isObj(raw) || raw.type !== 'upgrader' || typeof raw.id !== 'string') continue;
    const names = new Set<string>();
    for (const field of ['basePath', 'upgradePath'] as const) {
      const value = raw[field];
      if (typeof value === 'string') for (const p of scanPathTemplate(value, field).params) names.add(p.name);
    }
    for (const { service } of upgraderServices.get(raw.id) ?? []) {
      const known = result.get(service);
      result.set(service, known ? new Set([...known].filter((n) => names.has(n))) : names);
    }
  }
  return result;
}

function checkUpgrader(raw: Obj, base: FieldPath, id: string | undefined, report: Report) {
  const pathParams = new Map<string, string>();
  for (const field of ['basePath', 'upgradePath'] as const) {
    const value = raw[field];
    if (typeof value !== 'string') continue;
    const scanned = scanPathTemplate(value, field);
    for (const issue of scanned.issues) {
      const code = issue.kind === 'param-name' ? C.PARAM_NAME_INVALID : C.PATH_INVALID;
      report(code, issue.message, [...base, field], { nodeId: id, inner: { line: 1, col: issue.offset + 1 } });
    }
    for (const param of scanned.params) {
      const first = pathParams.get(param.name);
      if (first) {
        report(C.PARAM_DUPLICATE, `Path parameter '{${param.name}}' appears twice (also in ${first}); each name may appear once.`, [...base, field], {
          nodeId: id,
          inner: { line: 1, col: param.offset + 1 },
        });
      } else {
        pathParams.set(param.name, field);
      }
    }
  }
  for (const field of ['query', 'headers'] as const) {
    const specs = raw[field];
    if (!isObj(specs)) continue;
    for (const [name, spec] of Object.entries(specs)) {
      if (field === 'query' && pathParams.has(name)) {
        report(C.QUERY_PARAM_COLLISION, `Query parameter '${name}' has the same name as the path parameter '{${name}}'; rename one of them.`, [...base, field, name], { nodeId: id });
      }
      if (isObj(spec) && spec.default !== undefined && !defaultMatches(spec.type, spec.default)) {
        report(C.PARAM_DEFAULT_TYPE, `The default of '${name}' (${JSON.stringify(spec.default)}) does not match its type '${String(spec.type)}'.`, [...base, field, name, 'default'], { nodeId: id });
      }
    }
  }
}

function defaultMatches(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true; // an unknown type is the schema's problem
  }
}

/** The id at the other end of an edge, when that one names a node (the canvas highlights it). */
function otherEnd(edge: Obj, end: 'from' | 'to'): string | undefined {
  const other = edge[end === 'from' ? 'to' : 'from'];
  return typeof other === 'string' && other !== '' ? other : undefined;
}

/** A connector that some other node (an action chain) leads to is used there, not as a binding. */
function usedInChain(id: string, edges: unknown[]): boolean {
  return edges.some((e) => isObj(e) && e.to === id);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
