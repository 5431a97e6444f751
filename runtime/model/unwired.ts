/**
 * What a run leaves out (pure; the studio's runner and the designer's Run gate share it): nodes no
 * client can reach, such as a freshly pasted node, a handler with no service, a connector wired to
 * nothing. They never run anyway, so their problems are warnings at run time instead of a refusal
 * to start or to hot reload the rest of the flow. `wsflow validate` still reports them as errors.
 */
import { MODEL_CODES as C } from './codes.ts';
import type { FlowDocument, Problem } from './types.ts';

/**
 * Ids of the nodes a client cannot reach: not reached along edges from an upgrader that is wired to
 * a service. Empty when no upgrader reaches a service at all: then there is nothing to run, and
 * the flow's problems say why (a run refuses it as before).
 */
export function unwiredNodes(flow: FlowDocument): Set<string> {
  const types = new Map(flow.nodes.map((n) => [n.id, n.type]));
  const out = new Map<string, string[]>();
  for (const e of flow.edges) {
    if (!types.has(e.from) || !types.has(e.to)) continue;
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  }
  const roots = flow.nodes.filter((n) => n.type === 'upgrader' && (out.get(n.id) ?? []).some((to) => types.get(to) === 'service')).map((n) => n.id);
  if (roots.length === 0) return new Set();
  const reached = new Set<string>(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    for (const to of out.get(stack.pop() as string) ?? []) {
      if (reached.has(to)) continue;
      reached.add(to);
      stack.push(to);
    }
  }
  return new Set(flow.nodes.map((n) => n.id).filter((id) => !reached.has(id)));
}

export interface RunPlan {
  /** The flow without its unwired nodes and their edges: what the engine is given. */
  flow: FlowDocument;
  /** Unwired node ids, in file order. */
  dropped: string[];
  /** Errors on the nodes that run: these still refuse a start or a reload. */
  blocking: Problem[];
  /** The problems of the dropped nodes, as warnings: shown, never a refusal. */
  ignored: Problem[];
}

export function planRun(flow: FlowDocument, problems: readonly Problem[]): RunPlan {
  const unwired = unwiredNodes(flow);
  const dropped = flow.nodes.map((n) => n.id).filter((id) => unwired.has(id));
  const onDropped = (p: Problem) => p.nodeId !== undefined && unwired.has(p.nodeId);
  const blocking = problems.filter((p) => p.severity === 'error' && !onDropped(p));
  const ignored = problems.filter(onDropped).map((p) => ({ ...p, severity: 'warning' as const }));
  // A dropped node whose only fault is being unwired still gets one line saying it was left out.
  for (const id of dropped) {
    if (!ignored.some((p) => p.nodeId === id)) ignored.push({ severity: 'warning', code: C.CHAIN_UNREACHABLE, message: `Node '${id}' is not reached from any upgrader, so it does not run.`, nodeId: id });
  }
  if (dropped.length === 0) return { flow, dropped, blocking, ignored };
  const pruned: FlowDocument = {
    ...flow,
    nodes: flow.nodes.filter((n) => !unwired.has(n.id)),
    edges: flow.edges.filter((e) => !unwired.has(e.from) && !unwired.has(e.to)),
  };
  return { flow: pruned, dropped, blocking, ignored };
}
