/**
 * "Make component" (docs/components.md): the selected chain steps move into a component file and
 * one `component` node takes their place. Pure: returns the component file's text and the changed
 * flow (one undoable change); the caller writes the file beside the flow.
 */
import { stringify } from 'yaml';
import { COMPONENT_FORMAT_VERSION, COMPONENT_SUFFIX } from '../../../runtime/model/components.ts';
import { isActionType, type FlowDocument, type FlowEdge, type FlowNode } from '../../../runtime/model/types.ts';
import { freshId } from './flow-ops.ts';

export type MadeComponent =
  | { ok: true; fileName: string; text: string; flow: FlowDocument; nodeId: string }
  | { ok: false; reason: string };

const NAME = /^[a-z0-9][a-z0-9-]*$/;

export function makeComponent(flow: FlowDocument, ids: readonly string[], name: string): MadeComponent {
  if (!NAME.test(name)) return { ok: false, reason: `'${name}' cannot name a component file: use lower-case letters, digits and -.` };
  const chosen = new Set(ids);
  const nodes = flow.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return { ok: false, reason: 'Select the chain steps to make into a component.' };
  const notStep = nodes.find((n) => !isActionType(n.type) || n.type === 'output');
  if (notStep) return { ok: false, reason: `'${notStep.id}' (${notStep.type}) is not a chain step; a component holds action nodes only.` };

  const inside = (e: FlowEdge) => chosen.has(e.from) && chosen.has(e.to);
  const incoming = flow.edges.filter((e) => !chosen.has(e.from) && chosen.has(e.to));
  const outgoing = flow.edges.filter((e) => chosen.has(e.from) && !chosen.has(e.to));
  const entries = [...new Set(incoming.map((e) => e.to))];
  if (entries.length > 1) return { ok: false, reason: `The selection is entered at ${entries.map((id) => `'${id}'`).join(' and ')}; a component has one entry.` };
  const entry = entries[0] ?? nodes.find((n) => !flow.edges.some((e) => inside(e) && e.to === n.id))?.id;
  if (entry === undefined) return { ok: false, reason: 'The selection has no first step (it is a loop).' };

  // One output per edge that leaves the selection, named after its port (`next` for a plain step).
  const outputs: { edge: FlowEdge; id: string; name: string }[] = [];
  const names = new Set<string>();
  for (const edge of outgoing) {
    const base = typeof edge.port === 'string' ? edge.port.replace(/[^A-Za-z0-9_$]/g, '_') : 'next';
    let outName = /^[A-Za-z_$]/.test(base) ? base : `out_${base}`;
    for (let i = 2; names.has(outName); i++) outName = `${base}${i}`;
    names.add(outName);
    let id = `out-${outName}`;
    for (let i = 2; chosen.has(id) || outputs.some((o) => o.id === id); i++) id = `out-${outName}-${i}`;
    outputs.push({ edge, id, name: outName });
  }

  const xs = nodes.map((n) => n.position?.x ?? 0);
  const ys = nodes.map((n) => n.position?.y ?? 0);
  const origin = { x: Math.min(...xs), y: Math.min(...ys) };
  const right = Math.max(...xs) + 240;
  const componentNodes = [
    ...nodes.map((n) => ({ ...n, ...(n.position ? { position: { x: n.position.x - origin.x, y: n.position.y - origin.y } } : {}) })),
    ...outputs.map((o, i) => ({ id: o.id, type: 'output', position: { x: right - origin.x, y: i * 100 }, name: o.name })),
  ];
  const componentEdges = [
    ...flow.edges.filter(inside),
    ...outputs.map((o) => ({ from: o.edge.from, to: o.id, ...(o.edge.port !== undefined ? { port: o.edge.port } : {}) })),
  ];
  const text = stringify({ 'wsflow-component': COMPONENT_FORMAT_VERSION, name, entry, nodes: componentNodes, edges: componentEdges }, { lineWidth: 0 });

  const fileName = `${name}${COMPONENT_SUFFIX}`;
  const rest: FlowDocument = { ...flow, nodes: flow.nodes.filter((n) => !chosen.has(n.id)) };
  const nodeId = freshId(rest, name);
  const use = { id: nodeId, type: 'component', position: origin, ref: `./${fileName}` } as unknown as FlowNode;
  const edges: FlowEdge[] = [
    ...flow.edges.filter((e) => !chosen.has(e.from) && !chosen.has(e.to)),
    ...incoming.map((e) => ({ ...e, to: nodeId })),
    ...outputs.map((o) => ({ ...o.edge, from: nodeId, port: o.name })),
  ];
  return { ok: true, fileName, text, flow: { ...rest, nodes: [...rest.nodes, use], edges }, nodeId };
}
