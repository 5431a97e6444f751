/** Find a node by id, label, type or the text of its fields (pure; the Find box filters with it). */
import type { FlowNode } from '../../../runtime/model/types.ts';

/** Every string and number a node holds (fields, snippet code, nested settings), without its position. */
export function nodeText(node: FlowNode): string {
  const parts: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 6) return;
    if (typeof value === 'string' || typeof value === 'number') parts.push(String(value));
    else if (Array.isArray(value)) for (const v of value) walk(v, depth + 1);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== 'position') walk(v, depth + 1);
  };
  walk(node, 0);
  return parts.join('\n');
}

export interface NodeMatch {
  node: FlowNode;
  /** Where the query was found: `id`, `label`, or a line of a field, for the list to show. */
  where: string;
}

/** Nodes whose id, label or field text contains `query` (any case); id and label matches first. */
export function findNodes(nodes: readonly FlowNode[], query: string): NodeMatch[] {
  const q = query.trim().toLowerCase();
  if (!q) return nodes.map((node) => ({ node, where: node.type }));
  const byName: NodeMatch[] = [];
  const byText: NodeMatch[] = [];
  for (const node of nodes) {
    if (node.id.toLowerCase().includes(q) || (typeof node.label === 'string' && node.label.toLowerCase().includes(q))) {
      byName.push({ node, where: node.type });
      continue;
    }
    const line = nodeText(node).split('\n').find((l) => l.toLowerCase().includes(q));
    if (line !== undefined) byText.push({ node, where: line.trim().slice(0, 80) });
  }
  return [...byName, ...byText];
}
