/**
 * Frames: a labelled box drawn behind a group of nodes (the flow file's `designer.frames`, layout
 * data like a node's position; nothing that runs reads it). Pure edits returning a new document.
 * A frame's box is derived from its nodes, so moving its nodes moves it and moving it moves them.
 */
import type { DesignerFrame, FlowDocument, Position } from '../../../runtime/model/types.ts';
import { cardSize } from '../canvas/card-geometry.ts';
import { moveNodes } from './flow-ops.ts';

/** Room around the nodes, and above them for the label. */
const PAD = 24;
const LABEL = 28;

export function framesOf(flow: FlowDocument): DesignerFrame[] {
  const frames = flow.designer?.frames;
  return Array.isArray(frames) ? frames : [];
}

function withFrames(flow: FlowDocument, frames: DesignerFrame[]): FlowDocument {
  const { frames: _old, ...rest } = flow.designer ?? {};
  const designer = frames.length > 0 ? { ...rest, frames } : rest;
  const next: FlowDocument = { ...flow, designer };
  if (Object.keys(designer).length === 0) delete next.designer;
  return next;
}

/** A new frame around the given nodes, labelled `Group N`; returns the flow and the frame's id. */
export function addFrame(flow: FlowDocument, nodeIds: readonly string[], label?: string): { flow: FlowDocument; id: string } {
  const frames = framesOf(flow);
  const taken = new Set(frames.map((f) => f.id));
  let n = frames.length + 1;
  while (taken.has(`frame-${n}`)) n++;
  const id = `frame-${n}`;
  const present = new Set(flow.nodes.map((node) => node.id));
  const frame: DesignerFrame = { id, label: label ?? `Group ${n}`, nodes: nodeIds.filter((nid) => present.has(nid)) };
  return { flow: withFrames(flow, [...frames, frame]), id };
}

/** Removes the frames that hold any of the given nodes (the nodes stay). */
export function removeFramesOf(flow: FlowDocument, nodeIds: readonly string[]): FlowDocument {
  const ids = new Set(nodeIds);
  const frames = framesOf(flow);
  const kept = frames.filter((f) => !f.nodes.some((n) => ids.has(n)));
  return kept.length === frames.length ? flow : withFrames(flow, kept);
}

export function renameFrame(flow: FlowDocument, frameId: string, label: string): FlowDocument {
  return withFrames(flow, framesOf(flow).map((f) => (f.id === frameId ? { ...f, label } : f)));
}

export type Sizes = Readonly<Record<string, { width: number; height: number }>>;

/** The frame's box on the canvas, or undefined when none of its nodes is left. */
export function frameBox(flow: FlowDocument, frame: DesignerFrame, sizes: Sizes): { x: number; y: number; width: number; height: number } | undefined {
  const members = new Set(frame.nodes);
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const node of flow.nodes) {
    if (!members.has(node.id) || !node.position) continue;
    const size = sizes[node.id] ?? cardSize(node);
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + size.width);
    bottom = Math.max(bottom, node.position.y + size.height);
  }
  if (left === Infinity) return undefined;
  return { x: left - PAD, y: top - PAD - LABEL, width: right - left + 2 * PAD, height: bottom - top + 2 * PAD + LABEL };
}

/** Moving a frame to `to` moves its nodes by the same distance. */
export function moveFrame(flow: FlowDocument, frameId: string, to: Position, sizes: Sizes): FlowDocument {
  const frame = framesOf(flow).find((f) => f.id === frameId);
  const box = frame && frameBox(flow, frame, sizes);
  if (!frame || !box) return flow;
  const dx = to.x - box.x;
  const dy = to.y - box.y;
  const members = new Set(frame.nodes);
  const moved: Record<string, Position> = {};
  for (const node of flow.nodes) if (members.has(node.id) && node.position) moved[node.id] = { x: node.position.x + dx, y: node.position.y + dy };
  return moveNodes(flow, moved);
}
