/**
 * Where a new node goes: the free spot nearest to where the user meant, so that dropped,
 * click-added and pasted nodes never cover others. Pure (flow and sizes in, position out).
 */
import type { FlowDocument, Position } from '../../../runtime/model/types.ts';
import { DEFAULT_NODE_SIZE, type Size } from './layout.ts';

const GAP = 16;
const STEP = 24;
const MAX_RINGS = 60;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w + GAP && b.x < a.x + a.w + GAP && a.y < b.y + b.h + GAP && b.y < a.y + a.h + GAP;

function boxesOf(flow: FlowDocument, sizes: Readonly<Record<string, Size | undefined>>): Box[] {
  return flow.nodes.flatMap((n) => {
    if (!n.position) return [];
    const size = sizes[n.id] ?? DEFAULT_NODE_SIZE;
    return [{ x: n.position.x, y: n.position.y, w: size.width, h: size.height }];
  });
}

/** The top-left position nearest to `wanted` where a node of `size` overlaps no node of `flow`. */
export function freeSpot(flow: FlowDocument, wanted: Position, sizes: Readonly<Record<string, Size | undefined>> = {}, size: Size = DEFAULT_NODE_SIZE): Position {
  return freeOffset(flow, [{ position: { x: 0, y: 0 }, size }], { x: Math.round(wanted.x), y: Math.round(wanted.y) }, sizes);
}

/**
 * One offset for a group of nodes (a paste keeps their arrangement) nearest to `wanted` where none
 * of them overlaps a node of `flow`, searched on rings of growing radius.
 */
export function freeOffset(flow: FlowDocument, group: readonly { position?: Position | undefined; size: Size }[], wanted: Position, sizes: Readonly<Record<string, Size | undefined>> = {}): Position {
  const boxes = boxesOf(flow, sizes);
  const fits = (o: Position) =>
    group.every((g) => !boxes.some((b) => overlaps({ x: (g.position?.x ?? 0) + o.x, y: (g.position?.y ?? 0) + o.y, w: g.size.width, h: g.size.height }, b)));
  if (fits(wanted)) return wanted;
  for (let ring = 1; ring <= MAX_RINGS; ring++) {
    const r = ring * STEP;
    const candidates: Position[] = [];
    for (let d = -r; d <= r; d += STEP) {
      candidates.push({ x: wanted.x + r, y: wanted.y + d }, { x: wanted.x + d, y: wanted.y + r }, { x: wanted.x - r, y: wanted.y + d }, { x: wanted.x + d, y: wanted.y - r });
    }
    candidates.sort((a, b) => Math.hypot(a.x - wanted.x, a.y - wanted.y) - Math.hypot(b.x - wanted.x, b.y - wanted.y));
    const found = candidates.find(fits);
    if (found) return found;
  }
  return { x: wanted.x, y: Math.max(0, ...boxes.map((b) => b.y + b.h)) + GAP * 2 };
}

export interface ViewRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const VIEW_MARGIN = 12;

/**
 * `spot` moved, as little as it takes, so a node of `size` there is wholly inside `visible` (flow
 * coordinates of what the canvas shows) and clear of `avoid` (the minimap's corner): a node dropped
 * at the edge of the canvas would otherwise land half off-screen or under the minimap.
 */
export function keepInView(spot: Position, size: Size, visible: ViewRect, avoid?: ViewRect): Position {
  const clamp = (v: number, lo: number, hi: number) => (hi < lo ? lo : Math.min(Math.max(v, lo), hi));
  let x = clamp(spot.x, visible.x + VIEW_MARGIN, visible.x + visible.width - size.width - VIEW_MARGIN);
  let y = clamp(spot.y, visible.y + VIEW_MARGIN, visible.y + visible.height - size.height - VIEW_MARGIN);
  if (avoid && x < avoid.x + avoid.width && avoid.x < x + size.width && y < avoid.y + avoid.height && avoid.y < y + size.height) {
    // Out of the corner the shorter way: above it or to its left.
    const up = avoid.y - size.height - VIEW_MARGIN;
    const left = avoid.x - size.width - VIEW_MARGIN;
    if (y - up <= x - left && up >= visible.y) y = up;
    else x = Math.max(visible.x + VIEW_MARGIN, left);
  }
  return { x: Math.round(x), y: Math.round(y) };
}
