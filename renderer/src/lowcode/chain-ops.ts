/**
 * Pure edits and views of chains for the designer: which event node owns each action node (the
 * trace lights a chain when its event fires), the generated code ("View code"), and ejecting a
 * chain into an editable snippet ("Convert to code", one undoable change).
 */
import { compileChains, type CompiledChain } from '../../../runtime/lowcode/index.ts';
import type { FlowDocument } from '../../../runtime/model/types.ts';
import { isPackageKind } from '../../../runtime/model/registry.ts';

/** action node id -> id of the event node whose chain it is in */
export function chainOwners(flow: FlowDocument): Map<string, string> {
  const owners = new Map<string, string>();
  for (const chain of safeChains(flow)) for (const id of chain.nodes) if (!owners.has(id)) owners.set(id, chain.eventId);
  return owners;
}

export function chainOf(flow: FlowDocument, eventId: string): CompiledChain | undefined {
  return safeChains(flow).find((c) => c.eventId === eventId);
}

/**
 * Steps of the chain whose kind a package adds: the designer has their specs, not their `emit`,
 * so it cannot write their code (docs/nodes-sdk.md).
 */
export function packageSteps(flow: FlowDocument, chain: CompiledChain): string[] {
  return chain.nodes.filter((id) => isPackageKind(String(flow.nodes.find((n) => n.id === id)?.type)));
}

/** The event node gets the generated code as its snippet; the chain's nodes and edges go. */
export function convertChainToCode(flow: FlowDocument, eventId: string): FlowDocument {
  const chain = chainOf(flow, eventId);
  if (!chain || packageSteps(flow, chain).length > 0) return flow;
  const gone = new Set(chain.nodes);
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !gone.has(n.id)).map((n) => (n.id === eventId ? { ...n, code: chain.code } : n)),
    edges: flow.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to)),
  };
}

// A flow being edited may be half-built; the compiler is total, but never let a view crash the canvas.
function safeChains(flow: FlowDocument): CompiledChain[] {
  try {
    return compileChains(flow);
  } catch {
    return [];
  }
}
