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
  for (const edge of flow.edges) if (ids.has(edge.from) && ids.has(edge.to)) graph.setEdge(edge.from, edge.to);
  layout(graph);
  const out: Record<string, Position> = {};
  for (const node of flow.nodes) {
    const placed = graph.node(node.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (placed) out[node.id] = { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) };
  }
  return out;
}
