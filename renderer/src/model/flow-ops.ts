/**
 * Pure edits of a flow document, as the canvas performs them. Every function returns a NEW
 * document (never mutates), so the history can keep old versions by reference and "dirty" is a
 * reference comparison with the saved version. No React, no DOM: test/renderer runs these in Node.
 */
import { canConnect } from '../../../runtime/model/edges.ts';
import type { FlowDocument, FlowEdge, FlowNode, HandlerEvent, NodeType, Position } from '../../../runtime/model/types.ts';
import { HANDLER_EVENTS, isActionType } from '../../../runtime/model/types.ts';
import { kindFor } from '../../../runtime/model/registry.ts';
import { defaultSnippet } from './snippets.ts';

export type ConnectOutcome = { ok: true; flow: FlowDocument } | { ok: false; reason: string };

export function emptyFlow(name = 'my-service'): FlowDocument {
  return { wsflow: 1, name, listener: { port: 9090 }, nodes: [], edges: [] };
}

export function isHandlerType(type: string): type is HandlerEvent {
  return (HANDLER_EVENTS as readonly string[]).includes(type);
}

/** A readable id that is not taken yet: `on-text`, `on-text-2`, ... */
export function freshId(flow: FlowDocument, base: string): string {
  const taken = new Set(flow.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function newNode(flow: FlowDocument, type: NodeType, position: Position): FlowNode {
  // The kind's base id (`on-text`, `mqtt-in`; an action's type: `reply`, `reply-2`, ...) and starter fields.
  const kind = kindFor(type);
  const id = freshId(flow, kind.baseId ?? type);
  const at = { x: Math.round(position.x), y: Math.round(position.y) };
  if (isHandlerType(type)) return { id, type, position: at, code: defaultSnippet(type) };
  return { id, type, position: at, ...(kind.defaults ?? {}) } as FlowNode;
}

export function addNode(flow: FlowDocument, node: FlowNode): FlowDocument {
  return { ...flow, nodes: [...flow.nodes, node] };
}

/** Remove nodes and edges; edges touching a removed node go too. */
export function removeElements(flow: FlowDocument, nodeIds: readonly string[], edgeKeys: readonly string[] = []): FlowDocument {
  const gone = new Set(nodeIds);
  const goneEdges = new Set(edgeKeys);
  const nodes = flow.nodes.filter((n) => !gone.has(n.id));
  const edges = flow.edges.filter((e) => !gone.has(e.from) && !gone.has(e.to) && !goneEdges.has(edgeKey(e)));
  if (nodes.length === flow.nodes.length && edges.length === flow.edges.length) return flow;
  return { ...flow, nodes, edges };
}

export function edgeKey(edge: Pick<FlowEdge, 'from' | 'to' | 'port'>): string {
  return edge.port ? `${edge.from}:${edge.port}->${edge.to}` : `${edge.from}->${edge.to}`;
}

/** Add an edge; `port` is the output of a branching action node (`then`, a switch case, ...). */
export function connect(flow: FlowDocument, from: string, to: string, port?: string): ConnectOutcome {
  const verdict = canConnect(flow, from, to, port);
  if (!verdict.ok) return verdict;
  const edges = [...flow.edges, port ? { from, to, port } : { from, to }];
  // Wiring a handler to its first action replaces the starter snippet it was created with
  // (only when untouched: an edited snippet stays, and validation says to keep one of the two).
  const source = flow.nodes.find((n) => n.id === from);
  const target = flow.nodes.find((n) => n.id === to);
  if (source && target && isActionType(target.type) && isHandlerType(source.type) && source.code === defaultSnippet(source.type)) {
    const nodes = flow.nodes.map((n) => {
      if (n.id !== from) return n;
      const { code: _starter, ...rest } = n;
      return rest as FlowNode;
    });
    return { ok: true, flow: { ...flow, nodes, edges } };
  }
  return { ok: true, flow: { ...flow, edges } };
}

export function moveNodes(flow: FlowDocument, positions: Readonly<Record<string, Position>>): FlowDocument {
  let changed = false;
  const nodes = flow.nodes.map((n) => {
    const p = positions[n.id];
    if (!p) return n;
    const at = { x: Math.round(p.x), y: Math.round(p.y) };
    if (n.position && n.position.x === at.x && n.position.y === at.y) return n;
    changed = true;
    return { ...n, position: at };
  });
  return changed ? { ...flow, nodes } : flow;
}

/** Replace fields of one node (`undefined` removes a field). */
export function updateNode(flow: FlowDocument, id: string, patch: Record<string, unknown>): FlowDocument {
  const nodes = flow.nodes.map((n) => {
    if (n.id !== id) return n;
    const next: Record<string, unknown> = { ...n };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    return next as FlowNode;
  });
  return { ...flow, nodes };
}

/** Rename a node and every edge that mentions it. Returns a reason when the id is not usable. */
export function renameNode(flow: FlowDocument, id: string, nextId: string): { ok: true; flow: FlowDocument } | { ok: false; reason: string } {
  if (id === nextId) return { ok: true, flow };
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(nextId)) {
    return { ok: false, reason: 'An id starts with a letter and holds letters, digits, "-" and "_".' };
  }
  if (flow.nodes.some((n) => n.id === nextId)) return { ok: false, reason: `Another node already has the id '${nextId}'.` };
  const nodes = flow.nodes.map((n) => (n.id === id ? ({ ...n, id: nextId } as FlowNode) : n));
  const edges = flow.edges.map((e) => (e.from === id || e.to === id ? { ...e, from: e.from === id ? nextId : e.from, to: e.to === id ? nextId : e.to } : e));
  return { ok: true, flow: { ...flow, nodes, edges } };
}

export function updateFlowMeta(flow: FlowDocument, patch: Record<string, unknown>): FlowDocument {
  const next: Record<string, unknown> = { ...flow };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next as FlowDocument;
}

/** What copy puts on the clipboard: the nodes and the edges between them. */
export interface Clip {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export function copyElements(flow: FlowDocument, nodeIds: readonly string[]): Clip {
  const ids = new Set(nodeIds);
  return {
    nodes: flow.nodes.filter((n) => ids.has(n.id)).map((n) => structuredClone(n)),
    edges: flow.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e) => ({ ...e })),
  };
}

/** Paste with fresh ids, shifted by `offset`; returns the new document and the pasted ids. */
export function pasteElements(flow: FlowDocument, clip: Clip, offset: Position): { flow: FlowDocument; ids: string[] } {
  let next = flow;
  const rename = new Map<string, string>();
  const ids: string[] = [];
  for (const node of clip.nodes) {
    const id = freshId(next, node.id.replace(/-\d+$/, ''));
    rename.set(node.id, id);
    ids.push(id);
    const position = { x: (node.position?.x ?? 0) + offset.x, y: (node.position?.y ?? 0) + offset.y };
    next = addNode(next, { ...structuredClone(node), id, position } as FlowNode);
  }
  const edges = clip.edges.flatMap((e) => {
    const from = rename.get(e.from);
    const to = rename.get(e.to);
    return from && to ? [{ ...e, from, to }] : [];
  });
  return { flow: edges.length ? { ...next, edges: [...next.edges, ...edges] } : next, ids };
}

/**
 * Switch a handler to another event: an untouched starter snippet becomes the new event's starter
 * (the signature differs), and a default id (`on-text`, `on-text-2`) becomes the new event's.
 * Edited code is kept as it is; `kept` says so, for the inspector to tell the user.
 */
export function changeHandlerEvent(flow: FlowDocument, id: string, next: HandlerEvent): { flow: FlowDocument; id: string; kept: boolean } {
  const node = flow.nodes.find((n) => n.id === id);
  if (!node || !isHandlerType(node.type) || node.type === next) return { flow, id, kept: false };
  const untouched = typeof node.code !== 'string' || node.code === defaultSnippet(node.type);
  let out = updateNode(flow, id, { type: next, ...(untouched ? { code: defaultSnippet(next) } : {}) });
  let nextId = id;
  const from = kindFor(node.type).baseId;
  const to = kindFor(next).baseId;
  if (from && to && new RegExp(`^${from}(-\\d+)?$`).test(id)) {
    const target = freshId(out, to);
    const renamed = renameNode(out, id, target);
    if (renamed.ok) {
      out = renamed.flow;
      nextId = target;
    }
  }
  return { flow: out, id: nextId, kept: !untouched };
}

/**
 * Disable the given nodes, or enable them when all of them are disabled already (one toggle for a
 * mixed selection, as in Node-RED). A disabled node stays in the file and is left out of runs and
 * exports (runtime/model/disabled.ts).
 */
export function toggleDisabled(flow: FlowDocument, ids: readonly string[]): FlowDocument {
  const picked = new Set(ids);
  const targets = flow.nodes.filter((n) => picked.has(n.id));
  if (targets.length === 0) return flow;
  const disable = !targets.every((n) => n.disabled === true);
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      if (!picked.has(n.id)) return n;
      if (disable) return { ...n, disabled: true };
      const { disabled: _off, ...rest } = n;
      return rest as FlowNode;
    }),
  };
}
