/**
 * Auto layout keeps port order (an `if`'s `then` above its `else`, a switch's cases in order) and
 * counts crossings of the laid-out edges, drawn from the port each leaves to the input it enters
 * (card-geometry.ts places both), on chat-lowcode and a branching flow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { FlowDocument, Position } from '../../runtime/model/types.ts';
import { cardHandles, cardSize } from '../../renderer/src/canvas/card-geometry.ts';
import { autoLayout } from '../../renderer/src/model/layout.ts';
import { keepInView } from '../../renderer/src/model/placement.ts';
import { REPO } from '../../runtime/studio/renderer-build.ts';

type Point = { x: number; y: number };

function load(text: string): FlowDocument {
  const { flow } = parseFlow(text, 'f.wsflow.yaml');
  if (!flow) throw new Error('no flow');
  return flow;
}

/** Each edge as a segment from its source port to its target's input, with the nodes at `placed`. */
function segments(flow: FlowDocument, placed: Record<string, Position>): { from: string; to: string; a: Point; b: Point }[] {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const handle = (id: string, type: 'source' | 'target', port?: string): Point => {
    const node = byId.get(id);
    const at = placed[id];
    if (!node || !at) throw new Error(`no node ${id}`);
    const handles = cardHandles(node, cardSize(node)).filter((h) => h.type === type);
    const h = handles.find((x) => (port ? x.id === port : true)) ?? handles[0];
    if (!h) throw new Error(`no ${type} handle on ${id}`);
    return { x: at.x + h.x + (h.width ?? 0) / 2, y: at.y + h.y + (h.height ?? 0) / 2 };
  };
  return flow.edges.map((e) => ({ from: e.from, to: e.to, a: handle(e.from, 'source', e.port), b: handle(e.to, 'target') }));
}

const cross = (o: Point, p: Point, q: Point) => (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x);

/** Pairs of edges whose segments cross; edges that only meet at a shared handle do not count. */
export function crossings(flow: FlowDocument, placed: Record<string, Position>): number {
  const segs = segments(flow, placed);
  let count = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      const s = segs[i];
      const t = segs[j];
      if (!s || !t) continue;
      const d1 = cross(s.a, s.b, t.a);
      const d2 = cross(s.a, s.b, t.b);
      const d3 = cross(t.a, t.b, s.a);
      const d4 = cross(t.a, t.b, s.b);
      if (d1 * d2 < 0 && d3 * d4 < 0) count++;
    }
  }
  return count;
}

const sizes = (flow: FlowDocument) => Object.fromEntries(flow.nodes.map((n) => [n.id, cardSize(n)]));

const CHAT = load(readFileSync(path.join(REPO, 'samples/chat-lowcode.wsflow.yaml'), 'utf8'));
/** An if whose `then` chain is longer than its `else`, and a switch with three cases. */
const BRANCHING = load(`wsflow: 1
name: branching
listener: { port: 9000 }
nodes:
  - { id: up, type: upgrader, basePath: /b }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: check, type: if, condition: text.length > 3 }
  - { id: shout, type: broadcast, message: "\${text}" }
  - { id: note, type: log, message: "\${text}" }
  - { id: answer, type: reply, value: text }
  - { id: on-open, type: onOpen }
  - { id: route, type: switch, value: conn.params.kind, cases: [a, b, c] }
  - { id: to-a, type: reply, value: "'a'" }
  - { id: to-b, type: reply, value: "'b'" }
  - { id: to-c, type: reply, value: "'c'" }
  - { id: other, type: close, code: 1000 }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: svc, to: on-open }
  - { from: on-text, to: check }
  - { from: check, to: answer, port: else }
  - { from: check, to: shout, port: then }
  - { from: shout, to: note }
  - { from: on-open, to: route }
  - { from: route, to: other, port: default }
  - { from: route, to: to-c, port: c }
  - { from: route, to: to-b, port: b }
  - { from: route, to: to-a, port: a }
`);

/** Top edge of each node, in the order of its branching node's ports. */
function portOrderKept(flow: FlowDocument, placed: Record<string, Position>, branch: string, ports: string[]): boolean {
  const ys = ports.map((port) => {
    const edge = flow.edges.find((e) => e.from === branch && e.port === port);
    return edge ? (placed[edge.to]?.y ?? NaN) : NaN;
  });
  return ys.every((y, i) => i === 0 || (ys[i - 1] as number) < y);
}

describe('auto layout', () => {
  it('keeps then above else and switch cases in order', () => {
    const placed = autoLayout(BRANCHING, sizes(BRANCHING));
    expect(portOrderKept(BRANCHING, placed, 'check', ['then', 'else'])).toBe(true);
    expect(portOrderKept(BRANCHING, placed, 'route', ['a', 'b', 'c', 'default'])).toBe(true);
    const chat = autoLayout(CHAT, sizes(CHAT));
    for (const branch of ['name-taken', 'has-age']) expect(portOrderKept(CHAT, chat, branch, ['then', 'else'])).toBe(true);
  });

  it('lays out chat-lowcode and the branching flow with no edge crossings', () => {
    const chat = crossings(CHAT, autoLayout(CHAT, sizes(CHAT)));
    const branching = crossings(BRANCHING, autoLayout(BRANCHING, sizes(BRANCHING)));
    console.log(`edge crossings after auto layout: chat-lowcode ${chat}, branching ${branching}`);
    expect({ chat, branching }).toEqual({ chat: 0, branching: 0 });
  });
});

describe('keepInView', () => {
  const visible = { x: 0, y: 0, width: 1000, height: 600 };
  const minimap = { x: 820, y: 470, width: 180, height: 130 };
  const size = { width: 200, height: 70 };
  const inside = (p: Position) => p.x >= 0 && p.y >= 0 && p.x + size.width <= 1000 && p.y + size.height <= 600;
  const clearOf = (p: Position) => p.x + size.width <= minimap.x || p.y + size.height <= minimap.y;

  it('moves a drop at the right edge fully onto the canvas, and one in the corner out from under the minimap', () => {
    const edge = keepInView({ x: 950, y: 100 }, size, visible, minimap);
    expect(inside(edge)).toBe(true);
    expect(edge.y).toBe(100);
    const corner = keepInView({ x: 900, y: 520 }, size, visible, minimap);
    expect(inside(corner) && clearOf(corner)).toBe(true);
    expect(keepInView({ x: 300, y: 200 }, size, visible, minimap)).toEqual({ x: 300, y: 200 });
  });
});
