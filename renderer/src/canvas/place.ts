/** Adding nodes where the user meant, on a free spot (palette drop, click, quick-add, paste). */
import type { NodeType, Position } from '../../../runtime/model/types.ts';
import { addNode, newNode, pasteElements, type Clip } from '../model/flow-ops.ts';
import { DEFAULT_NODE_SIZE } from '../model/layout.ts';
import { freeOffset, freeSpot, keepInView, type ViewRect } from '../model/placement.ts';
import { cardSize } from './card-geometry.ts';
import type { StudioStore } from '../store.ts';

/** What the canvas shows, in flow coordinates, and the minimap's corner in it. */
export interface VisibleArea {
  visible: ViewRect;
  minimap?: ViewRect;
}

/**
 * Add a node of `type` near a flow position (its top-left corner) and select it; with `view`, the
 * node lands wholly on screen and clear of the minimap; `fields` preset some (a component's `ref`).
 */
export function placeNode(store: StudioStore, type: NodeType, at: Position, view?: VisibleArea, fields: Readonly<Record<string, unknown>> = {}): string {
  const state = store.getState();
  const size = cardSize(newNode(state.flow, type, at));
  const inView = (p: Position) => (view ? keepInView(p, size, view.visible, view.minimap) : p);
  let spot = freeSpot(state.flow, inView(at), state.measured, size);
  // Freeing the spot may push it out again; back into view, unless that is where the other nodes are.
  const back = inView(spot);
  if (back.x !== spot.x || back.y !== spot.y) spot = freeSpot(state.flow, back, state.measured, size);
  const node = { ...newNode(state.flow, type, spot), ...fields } as ReturnType<typeof newNode>;
  // Shown as a hint, not as errors, until the user moves on (see Canvas and Inspector).
  state.set({ freshNode: node.id });
  state.change((flow) => addNode(flow, node));
  state.select([node.id]);
  return node.id;
}

/**
 * Paste a clip: next to the copied nodes when they are here (`near` absent), else with its
 * top-left node at `near`; never on top of other nodes.
 */
export function pasteClip(store: StudioStore, clip: Clip, near?: Position): string[] {
  const state = store.getState();
  const group = clip.nodes.map((n) => ({ position: n.position ?? { x: 0, y: 0 }, size: state.measured[n.id] ?? DEFAULT_NODE_SIZE }));
  const minX = Math.min(...group.map((g) => g.position.x));
  const minY = Math.min(...group.map((g) => g.position.y));
  const wanted = near ? { x: Math.round(near.x - minX), y: Math.round(near.y - minY) } : { x: 40, y: 40 };
  const offset = freeOffset(state.flow, group, wanted, state.measured);
  let ids: string[] = [];
  state.change((flow) => {
    const pasted = pasteElements(flow, clip, offset);
    ids = pasted.ids;
    return pasted.flow;
  });
  state.select(ids);
  return ids;
}
