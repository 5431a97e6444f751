/**
 * Canvas model logic of the designer, in Node: which edges the canvas allows (and the reason it
 * shows when it refuses), edits as pure document changes, undo/redo through the store, paste,
 * rename, auto layout and the snippet line mapping used by the problems panel.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { addNode, connect, copyElements, emptyFlow, moveNodes, newNode, pasteElements, removeElements, renameNode, updateNode } from '../../renderer/src/model/flow-ops.ts';
import { emptyHistory, record, redo, undo } from '../../renderer/src/model/history.ts';
import { autoLayout } from '../../renderer/src/model/layout.ts';
import { defaultSnippet, firstCodeLine, snippetLineOf } from '../../renderer/src/model/snippets.ts';
import { isDirty, useStudio } from '../../renderer/src/store.ts';

function chatSkeleton(): FlowDocument {
  let flow = emptyFlow('chat-app');
  flow = addNode(flow, newNode(flow, 'upgrader', { x: 0, y: 0 }));
  flow = addNode(flow, newNode(flow, 'service', { x: 300, y: 0 }));
  flow = addNode(flow, newNode(flow, 'onText', { x: 600, y: 0 }));
  flow = addNode(flow, newNode(flow, 'onOpen', { x: 600, y: 120 }));
  return flow;
}

describe('allowed edges', () => {
  it('gives readable ids and accepts upgrader -> service -> handler', () => {
    const flow = chatSkeleton();
    expect(flow.nodes.map((n) => n.id)).toEqual(['upgrader', 'service', 'on-text', 'on-open']);
    const a = connect(flow, 'upgrader', 'service');
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    const b = connect(a.flow, 'service', 'on-text');
    expect(b.ok).toBe(true);
    if (b.ok) expect(b.flow.edges).toEqual([{ from: 'upgrader', to: 'service' }, { from: 'service', to: 'on-text' }]);
  });

  it('refuses illegal edges with a reason the canvas can show', () => {
    const flow = chatSkeleton();
    const cases: [string, string, RegExp][] = [
      ['upgrader', 'on-text', /upgrader connects only to a service/i],
      ['on-text', 'service', /end of a flow/i],
      ['service', 'upgrader', /connects only to handlers/i],
      ['service', 'service', /itself/i],
    ];
    for (const [from, to, reason] of cases) {
      const outcome = connect(flow, from, to);
      expect(outcome.ok, `${from} -> ${to}`).toBe(false);
      if (!outcome.ok) expect(outcome.reason).toMatch(reason);
    }
  });

  it('refuses a duplicate edge and a second handler for the same event', () => {
    let flow = chatSkeleton();
    flow = addNode(flow, newNode(flow, 'onText', { x: 600, y: 240 }));
    expect(flow.nodes.at(-1)?.id).toBe('on-text-2');
    const first = connect(flow, 'service', 'on-text');
    if (!first.ok) throw new Error(first.reason);
    const again = connect(first.flow, 'service', 'on-text');
    expect(again.ok).toBe(false);
    const second = connect(first.flow, 'service', 'on-text-2');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toMatch(/at most one handler per event/);
  });
});

describe('edits', () => {
  it('deleting a node removes its edges and leaves the old document untouched', () => {
    const a = connect(chatSkeleton(), 'upgrader', 'service');
    if (!a.ok) throw new Error(a.reason);
    const before = a.flow;
    const after = removeElements(before, ['service']);
    expect(after.nodes.map((n) => n.id)).toEqual(['upgrader', 'on-text', 'on-open']);
    expect(after.edges).toEqual([]);
    expect(before.edges).toHaveLength(1);
    expect(removeElements(after, ['nope'])).toBe(after);
  });

  it('copy/paste gives fresh ids, shifts positions and keeps inner edges', () => {
    const a = connect(chatSkeleton(), 'service', 'on-text');
    if (!a.ok) throw new Error(a.reason);
    const clip = copyElements(a.flow, ['service', 'on-text']);
    const pasted = pasteElements(a.flow, clip, { x: 40, y: 40 });
    expect(pasted.ids).toEqual(['service-2', 'on-text-2']);
    expect(pasted.flow.edges).toContainEqual({ from: 'service-2', to: 'on-text-2' });
    expect(pasted.flow.nodes.find((n) => n.id === 'service-2')?.position).toEqual({ x: 340, y: 40 });
  });

  it('renames a node and its edges, and refuses a taken or malformed id', () => {
    const a = connect(chatSkeleton(), 'upgrader', 'service');
    if (!a.ok) throw new Error(a.reason);
    const renamed = renameNode(a.flow, 'service', 'chat');
    expect(renamed.ok).toBe(true);
    if (renamed.ok) expect(renamed.flow.edges).toEqual([{ from: 'upgrader', to: 'chat' }]);
    expect(renameNode(a.flow, 'service', 'upgrader')).toMatchObject({ ok: false });
    expect(renameNode(a.flow, 'service', '9 lives')).toMatchObject({ ok: false });
  });

  it('moves round positions and returns the same document when nothing moved', () => {
    const flow = chatSkeleton();
    const moved = moveNodes(flow, { upgrader: { x: 10.4, y: 20.6 } });
    expect(moved.nodes[0]?.position).toEqual({ x: 10, y: 21 });
    expect(moveNodes(moved, { upgrader: { x: 10, y: 21 } })).toBe(moved);
  });
});

describe('undo/redo', () => {
  it('history steps back and forth and coalesces a burst of typing', () => {
    const v0 = chatSkeleton();
    const v1 = updateNode(v0, 'upgrader', { basePath: '/c' });
    const v2 = updateNode(v1, 'upgrader', { basePath: '/ch' });
    let h = record(emptyHistory(), v0, { coalesce: 'basePath', now: 1000 });
    h = record(h, v1, { coalesce: 'basePath', now: 1300 });
    expect(h.past).toEqual([v0]);
    const back = undo(h, v2);
    expect(back?.flow).toBe(v0);
    const fwd = back && redo(back.history, back.flow);
    expect(fwd?.flow).toBe(v2);
    // A pause longer than the coalescing window makes a new step.
    const h2 = record(h, v1, { coalesce: 'basePath', now: 5000 });
    expect(h2.past).toHaveLength(2);
  });

  it('the store records model changes, undoes them, and tracks the dirty state by reference', () => {
    const store = useStudio.getState();
    const start = emptyFlow('t');
    store.loadDocument({ flow: start, text: undefined, path: 't.wsflow.yaml' });
    expect(isDirty(useStudio.getState())).toBe(false);
    const node = newNode(start, 'service', { x: 0, y: 0 });
    useStudio.getState().change((f) => addNode(f, node));
    useStudio.getState().select([node.id]);
    expect(useStudio.getState().flow.nodes).toHaveLength(1);
    expect(isDirty(useStudio.getState())).toBe(true);
    // Selection is UI state: it does not create history entries.
    expect(useStudio.getState().history.past).toHaveLength(1);
    useStudio.getState().undo();
    expect(useStudio.getState().flow).toBe(start);
    expect(useStudio.getState().selectedNodes).toEqual([]);
    expect(isDirty(useStudio.getState())).toBe(false);
    useStudio.getState().redo();
    expect(useStudio.getState().flow.nodes.map((n) => n.id)).toEqual(['service']);
    // A new change after undo drops the redo branch.
    useStudio.getState().undo();
    useStudio.getState().change((f) => addNode(f, newNode(f, 'upgrader', { x: 0, y: 0 })));
    expect(useStudio.getState().history.future).toEqual([]);
  });
});

describe('layout and snippets', () => {
  it('auto layout places upgrader, service and handlers left to right', () => {
    let flow = chatSkeleton();
    for (const [from, to] of [['upgrader', 'service'], ['service', 'on-text'], ['service', 'on-open']] as const) {
      const c = connect(flow, from, to);
      if (!c.ok) throw new Error(c.reason);
      flow = c.flow;
    }
    const placed = autoLayout(flow);
    expect(placed.upgrader!.x).toBeLessThan(placed.service!.x);
    expect(placed.service!.x).toBeLessThan(placed['on-text']!.x);
    expect(placed['on-text']!.x).toBe(placed['on-open']!.x);
    expect(placed['on-text']!.y).not.toBe(placed['on-open']!.y);
  });

  it('auto layout puts nodes that are not connected yet into their type column', () => {
    const placed = autoLayout(chatSkeleton());
    expect(placed.upgrader!.x).toBeLessThan(placed.service!.x);
    expect(placed.service!.x).toBeLessThan(placed['on-text']!.x);
    expect(Object.keys(placed).sort()).toEqual(['on-open', 'on-text', 'service', 'upgrader']);
  });

  it('shows the first body line of a snippet', () => {
    expect(firstCodeLine(defaultSnippet('onText'))).toBe('conn.send(text);');
    expect(firstCodeLine('')).toBe('');
  });

  it('maps a problem line in the YAML file to the snippet line', () => {
    const text = readFileSync(new URL('../../samples/chat.wsflow.yaml', import.meta.url), 'utf8');
    const parsed = parseFlow(text, 'chat.wsflow.yaml');
    if (!parsed.flow) throw new Error('chat sample does not parse');
    const lines = text.split('\n');
    const fileLine = lines.findIndex((l) => l.includes('ctx.broadcast(`${conn.params.name}: ${text}`)')) + 1;
    expect(snippetLineOf(parsed.flow, parsed.locate, 'on-text', fileLine)).toBe(3);
    expect(snippetLineOf(parsed.flow, parsed.locate, 'on-text', 1)).toBeUndefined();
  });

  it('a flow built on the canvas saves to YAML that parses back to the same document', () => {
    let flow = chatSkeleton();
    const c = connect(flow, 'upgrader', 'service');
    if (!c.ok) throw new Error(c.reason);
    flow = c.flow;
    const text = updateFlowYaml(undefined, flow);
    expect(parseFlow(text, 'x.wsflow.yaml').flow).toEqual(flow);
  });
});
