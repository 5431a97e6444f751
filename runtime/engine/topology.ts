/**
 * What the engine serves, read from a compiled flow: services with their handler nodes,
 * upgrade routes with their compiled path templates, and the program the worker loads.
 */
import type { FlowDocument, HandlerEvent, ServiceNode, UpgraderNode } from '../model/types.ts';
import { isHandlerNode } from '../model/types.ts';
import { compilePathTemplate, joinPath } from '../model/paths.ts';
import type { CompiledPath } from '../model/paths.ts';
import type { CompiledFlow } from './contracts.ts';
import type { HostProgram, HostService } from './host/protocol.ts';

export interface ServiceSpec {
  idx: number;
  id: string;
  node: ServiceNode;
  handlers: HostService['handlers'];
}

export interface RouteSpec {
  idx: number;
  upgrader: UpgraderNode;
  serviceIdx: number;
  path: CompiledPath;
  /** node id of the upgrade snippet */
  snippet?: string;
}

export interface Topology {
  services: ServiceSpec[];
  /** most specific first */
  routes: RouteSpec[];
  program: HostProgram;
}

/** Thrown when the flow cannot be served at all (e.g. a path template that does not compile). */
export class TopologyError extends Error {
  constructor(
    message: string,
    readonly nodeId?: string,
    readonly code = 'WSF_FLOW_UNSERVABLE',
  ) {
    super(message);
  }
}

function hasCode(node: { code?: unknown }): boolean {
  return typeof node.code === 'string' && node.code.trim() !== '';
}

export function buildTopology(compiled: CompiledFlow): Topology {
  const flow: FlowDocument = compiled.flow;
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const services: ServiceSpec[] = flow.nodes
    .filter((n): n is ServiceNode => n.type === 'service')
    .map((node, idx) => ({ idx, id: node.id, node, handlers: {} }));
  const serviceIdx = new Map(services.map((s) => [s.id, s.idx]));

  const routes: RouteSpec[] = [];
  for (const edge of flow.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) continue;
    if (from.type === 'service' && isHandlerNode(to)) {
      const svc = services[serviceIdx.get(from.id) ?? -1];
      const event = to.type as HandlerEvent;
      if (svc && !svc.handlers[event] && hasCode(to)) svc.handlers[event] = to.id;
    } else if (from.type === 'upgrader' && to.type === 'service') {
      const up = from as UpgraderNode;
      const template = joinPath(up.basePath, up.upgradePath);
      let path: CompiledPath;
      try {
        path = compilePathTemplate(template);
      } catch (error) {
        throw new TopologyError(`${up.id}: ${(error as Error).message}`, up.id, 'WSF_PATH_INVALID');
      }
      routes.push({
        idx: 0,
        upgrader: up,
        serviceIdx: serviceIdx.get(to.id) as number,
        path,
        snippet: hasCode(up) ? up.id : undefined,
      });
    }
  }
  // Literal paths beat templates, templates beat wildcards, whatever the order in the file.
  routes.sort(
    (a, b) =>
      Number(a.path.wildcard) - Number(b.path.wildcard) ||
      b.path.literalSegments - a.path.literalSegments ||
      a.path.params.length - b.path.params.length,
  );
  routes.forEach((r, i) => (r.idx = i));

  const nodeIds = flow.nodes.map((n) => n.id);
  const snippets: HostProgram['snippets'] = {};
  for (const [id, s] of Object.entries(compiled.snippets)) {
    snippets[id] = s.chain ? { js: s.js, map: s.map, chain: s.chain, ...(s.debug ? { debug: s.debug } : {}) } : { js: s.js, map: s.map };
  }
  const program: HostProgram = {
    services: services.map((s) => ({ id: s.id, handlers: s.handlers })),
    upgraders: routes.map((r) => ({ id: r.upgrader.id, serviceIdx: r.serviceIdx, snippet: r.snippet })),
    snippets,
    nodeIds,
  };
  return { services, routes, program };
}

export function matchRoute(routes: readonly RouteSpec[], pathname: string): { route: RouteSpec; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = route.path.match(pathname);
    if (params) return { route, params };
  }
  return null;
}
