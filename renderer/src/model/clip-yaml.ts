/**
 * Copied nodes as YAML on the system clipboard, and flow YAML from a text editor back to nodes:
 * the same `nodes:` / `edges:` shape as a flow file, so a fragment of one pastes as it is.
 */
import { parse, stringify } from 'yaml';
import type { FlowEdge, FlowNode } from '../../../runtime/model/types.ts';
import { isObj } from '../../../runtime/model/is-obj.ts';
import type { Clip } from './flow-ops.ts';

export function clipToYaml(clip: Clip): string {
  return stringify(clip.edges.length ? { nodes: clip.nodes, edges: clip.edges } : { nodes: clip.nodes }, { lineWidth: 0 });
}

/** The nodes and edges of flow YAML (a whole flow, a fragment, or a bare list of nodes); undefined when it is not that. */
export function clipFromYaml(text: string): Clip | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  const rawNodes = Array.isArray(doc) ? doc : isObj(doc) ? doc.nodes : undefined;
  if (!Array.isArray(rawNodes) || rawNodes.length === 0) return undefined;
  if (!rawNodes.every((n) => isObj(n) && typeof n.id === 'string' && typeof n.type === 'string')) return undefined;
  const nodes = rawNodes as FlowNode[];
  const rawEdges = isObj(doc) && Array.isArray(doc.edges) ? doc.edges : [];
  const edges = rawEdges.filter((e): e is FlowEdge => isObj(e) && typeof e.from === 'string' && typeof e.to === 'string');
  return { nodes, edges };
}
