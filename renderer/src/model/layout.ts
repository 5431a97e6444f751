/**
 * Auto layout with dagre: left to right, upgraders -> services -> handlers. Pure (positions in,
 * positions out) so it runs in Node tests too.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { FlowDocument, Position } from '../../../runtime/model/types.ts';

export interface Size {
  width: number;
  height: number;
}

const RANK0 = '\u0000rank0';
const RANK1 = '\u0000rank1';

export const DEFAULT_NODE_SIZE: Size = { width: 240, height: 84 };

/** Top-left positions for every node (React Flow's origin is the top-left corner). */
export function autoLayout(flow: FlowDocument, sizes: Readonly<Record<string, Size | undefined>> = {}): Record<string, Position> {
  const graph = new Graph({ multigraph: false });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of flow.nodes) {
    const size = sizes[node.id] ?? DEFAULT_NODE_SIZE;
    graph.setNode(node.id, { width: size.width, height: size.height });
  }
  const ids = new Set(flow.nodes.map((n) => n.id));
  const linked = new Set<string>();
  for (const edge of flow.edges) {
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
  return out;
}
