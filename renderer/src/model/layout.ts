/**
 * Auto layout with dagre: left to right, upgraders -> services -> handlers, then each node's
 * children in the order of its ports and edges (an `if`'s `then` above its `else`, a switch's cases
 * in order), which dagre does not know: it draws every edge from a node's centre. Pure (positions
 * in, positions out) so it runs in Node tests too.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { FlowDocument, Position } from '../../../runtime/model/types.ts';
import { NEXT } from '../../../runtime/model/chain-scope.ts';
import { kindOf } from '../../../runtime/model/registry.ts';

export interface Size {
  width: number;
  height: number;
}

const RANK0 = '\u0000rank0';
const RANK1 = '\u0000rank1';

export const DEFAULT_NODE_SIZE: Size = { width: 240, height: 84 };
const NODESEP = 28;

/** Top-left positions for every node (React Flow's origin is the top-left corner). */
export function autoLayout(flow: FlowDocument, sizes: Readonly<Record<string, Size | undefined>> = {}): Record<string, Position> {
  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: NODESEP, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of flow.nodes) {
    const size = sizes[node.id] ?? DEFAULT_NODE_SIZE;
    graph.setNode(node.id, { width: size.width, height: size.height });
  }
  const ids = new Set(flow.nodes.map((n) => n.id));
  const linked = new Set<string>();
  // Edges in port order: dagre's first ordering follows the order edges were added.
  for (const edge of portOrdered(flow)) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) continue;
    graph.setEdge(edge.from, edge.to);
    linked.add(edge.from).add(edge.to);
  }
  // Nodes not connected yet still go to their column (upgraders, services, handlers), through two
  // invisible rank anchors, so a freshly dropped set of nodes lays out like the finished flow.
  const loose = flow.nodes.filter((n) => !linked.has(n.id));
  if (loose.length > 0) {
    graph.setNode(RANK0, { width: 1, height: 1 });
    graph.setNode(RANK1, { width: 1, height: 1 });
    graph.setEdge(RANK0, RANK1);
    for (const node of loose) {
      if (node.type === 'upgrader') graph.setEdge(node.id, RANK1);
      else if (node.type === 'service') graph.setEdge(RANK0, node.id);
      else graph.setEdge(RANK1, node.id);
    }
  }
  layout(graph);
  const out: Record<string, Position> = {};
  for (const node of flow.nodes) {
    const placed = graph.node(node.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (placed) out[node.id] = { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) };
  }
  orderChildren(flow, out, (id) => sizes[id] ?? DEFAULT_NODE_SIZE);
  return out;
}

/** Rank of an edge among its source's outgoing edges: its port's place (then, else; cases, default), then file order. */
function portOrdered(flow: FlowDocument): FlowDocument['edges'] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const rank = (edge: FlowDocument['edges'][number]): number => {
    const node = byId.get(edge.from);
    if (!node || edge.port === undefined) return -1;
    const declared = kindOf(node.type)?.ports ?? [NEXT];
    const ports = typeof declared === 'function' ? declared(node as unknown as Record<string, unknown>) : declared;
    const at = ports.indexOf(edge.port);
    return at < 0 ? ports.length : at;
  };
  return flow.edges.map((edge, i) => ({ edge, i, r: rank(edge) })).sort((a, b) => (a.edge.from === b.edge.from ? a.r - b.r || a.i - b.i : a.i - b.i)).map((x) => x.edge);
}

interface Box {
  ids: string[];
  top: number;
  bottom: number;
}

/**
 * Stack each node's children top to bottom in port (then edge) order, each child moving with the
 * nodes only it leads to, when dagre put them otherwise. Deepest nodes first, so a reordered
 * subtree moves as one; a move that would overlap another node is not made.
 */
function orderChildren(flow: FlowDocument, at: Record<string, Position>, size: (id: string) => Size): void {
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const edge of portOrdered(flow)) {
    if (!at[edge.from] || !at[edge.to] || edge.from === edge.to) continue;
    out.set(edge.from, [...(out.get(edge.from) ?? []), edge.to]);
    into.set(edge.to, [...(into.get(edge.to) ?? []), edge.from]);
  }
  /** The child and what only it leads to (every node's inputs from inside), or undefined when shared. */
  const blockOf = (parent: string, child: string): string[] | undefined => {
    const ids = new Set([child]);
    const stack = [child];
    while (stack.length > 0 && ids.size <= flow.nodes.length) {
      for (const next of out.get(stack.pop() as string) ?? []) {
        if (ids.has(next) || next === parent) continue;
        ids.add(next);
        stack.push(next);
      }
    }
    for (const id of ids) if (id !== child && (into.get(id) ?? []).some((from) => !ids.has(from))) return undefined;
    return (into.get(child) ?? []).every((from) => from === parent) ? [...ids] : undefined;
  };
  const box = (ids: string[]): Box => ({
    ids,
    top: Math.min(...ids.map((id) => at[id]?.y ?? 0)),
    bottom: Math.max(...ids.map((id) => (at[id]?.y ?? 0) + size(id).height)),
  });
  const parents = [...out.keys()].filter((id) => new Set(out.get(id)).size > 1).sort((a, b) => (at[b]?.x ?? 0) - (at[a]?.x ?? 0));
  for (const parent of parents) {
    const children = [...new Set(out.get(parent))];
    const blocks = children.map((c) => blockOf(parent, c));
    if (blocks.some((b) => !b)) continue;
    const boxes = (blocks as string[][]).map(box);
    if (new Set(boxes.flatMap((b) => b.ids)).size !== boxes.reduce((n, b) => n + b.ids.length, 0)) continue;
    const current = [...boxes].sort((a, b) => a.top - b.top);
    if (current.every((b, i) => b === boxes[i])) continue;
    const before = new Map(boxes.flatMap((b) => b.ids.map((id) => [id, at[id] as Position] as const)));
    let cursor = current[0]?.top ?? 0;
    for (const b of boxes) {
      const dy = cursor - b.top;
      for (const id of b.ids) at[id] = { x: (at[id] as Position).x, y: (at[id] as Position).y + dy };
      cursor += b.bottom - b.top + NODESEP;
    }
    if (overlapsOthers(new Set(before.keys()), at, size)) for (const [id, p] of before) at[id] = p;
  }
}

function overlapsOthers(moved: ReadonlySet<string>, at: Record<string, Position>, size: (id: string) => Size): boolean {
  const rect = (id: string) => ({ ...(at[id] as Position), ...size(id) });
  const others = Object.keys(at).filter((id) => !moved.has(id)).map(rect);
  return [...moved].map(rect).some((a) => others.some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
}
