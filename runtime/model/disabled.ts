/**
 * Disabled nodes (`disabled: true`, any kind): kept in the file and on the canvas, left out of
 * what runs. Pure; the chain compiler (runtime/lowcode/compile.ts lowerFlow) applies it, so a live
 * run, the type check and an export all see the same flow.
 *
 * A disabled step of a chain is passed through: what led to it leads to its next step instead (a
 * branching step passes through to its first wired output). Every disabled node then loses its
 * edges and its snippet, so nothing runs it. The nodes stay in place: problems and chain code
 * are located by a node's index in the file.
 */
import { NEXT } from './node-kind.ts';
import { isActionType, type FlowDocument, type FlowEdge } from './types.ts';

export const isDisabled = (node: unknown): boolean => typeof node === 'object' && node !== null && (node as { disabled?: unknown }).disabled === true;

export function withoutDisabled(flow: FlowDocument): FlowDocument {
  const nodes = Array.isArray(flow.nodes) ? flow.nodes : [];
  const off = nodes.filter(isDisabled);
  if (off.length === 0) return flow;
  let edges: FlowEdge[] = (Array.isArray(flow.edges) ? flow.edges : []).filter((e) => e && typeof e.from === 'string' && typeof e.to === 'string');
  for (const node of off) {
    const out = edges.filter((e) => e.from === node.id && e.to !== node.id);
    const next = isActionType(node.type) ? (out.find((e) => e.port === undefined || e.port === NEXT) ?? out[0]) : undefined;
    const rewired: FlowEdge[] = [];
    for (const e of edges) {
      if (e.from === node.id) continue;
      if (e.to !== node.id) rewired.push(e);
      else if (next) rewired.push({ ...e, to: next.to });
    }
    edges = rewired;
  }
  const stripped = nodes.map((n) => {
    if (!isDisabled(n) || n.code === undefined) return n;
    const { code: _code, ...rest } = n;
    return rest as typeof n;
  });
  return { ...flow, nodes: stripped, edges };
}
