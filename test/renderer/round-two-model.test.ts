/**
 * The pure parts behind the designer's round two: free spots for new nodes, the clipboard's YAML,
 * switching a handler's event, runtime errors folded from trace events, and the command registry
 * built from the one command table (keys resolve, every command has an action).
 */
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { COMMAND_TABLE } from '../../runtime/studio/protocol.ts';
import { createCommands, type Action, type CommandId, type KeyInput } from '../../renderer/src/commands.ts';
import { clipFromYaml, clipToYaml } from '../../renderer/src/model/clip-yaml.ts';
import { addNode, changeHandlerEvent, copyElements, emptyFlow, newNode, updateNode } from '../../renderer/src/model/flow-ops.ts';
import { DEFAULT_NODE_SIZE } from '../../renderer/src/model/layout.ts';
import { freeOffset, freeSpot } from '../../renderer/src/model/placement.ts';
import { runtimeErrorsOf } from '../../renderer/src/model/runtime-errors.ts';
import { defaultSnippet } from '../../renderer/src/model/snippets.ts';
import { useStudio } from '../../renderer/src/store.ts';

const withNodes = (...at: [number, number][]): FlowDocument =>
  at.reduce<FlowDocument>((flow, [x, y]) => addNode(flow, newNode(flow, 'onText', { x, y })), emptyFlow());

describe('placement', () => {
  it('keeps the wanted spot when it is free, and moves to the nearest free one when not', () => {
    const flow = withNodes([0, 0]);
    expect(freeSpot(flow, { x: 600, y: 0 })).toEqual({ x: 600, y: 0 });
    const spot = freeSpot(flow, { x: 10, y: 10 });
    const { width, height } = DEFAULT_NODE_SIZE;
    const clear = spot.x >= width || spot.x + width <= 0 || spot.y >= height || spot.y + height <= 0;
    expect(clear).toBe(true);
    expect(Math.hypot(spot.x - 10, spot.y - 10)).toBeLessThan(200);
  });

  it('moves a pasted group as one, clear of every node', () => {
    const flow = withNodes([0, 0], [0, 120]);
    const group = flow.nodes.map((n) => ({ position: n.position, size: DEFAULT_NODE_SIZE }));
    const offset = freeOffset(flow, group, { x: 40, y: 40 });
    for (const g of group) {
      const x = (g.position?.x ?? 0) + offset.x;
      const y = (g.position?.y ?? 0) + offset.y;
      for (const n of flow.nodes) {
        const p = n.position ?? { x: 0, y: 0 };
        expect(x >= p.x + 240 || x + 240 <= p.x || y >= p.y + 84 || y + 84 <= p.y).toBe(true);
      }
    }
  });
});

describe('clipboard YAML', () => {
  it('round-trips copied nodes and edges, and reads a bare node list', () => {
    const flow = withNodes([0, 0], [300, 0]);
    const clip = copyElements(flow, flow.nodes.map((n) => n.id));
    expect(clipFromYaml(clipToYaml(clip))).toEqual(clip);
    expect(clipFromYaml('- id: a\n  type: onOpen\n')?.nodes).toEqual([{ id: 'a', type: 'onOpen' }]);
    expect(clipFromYaml('hello world')).toBeUndefined();
    expect(clipFromYaml('nodes:\n  - name: no-id\n')).toBeUndefined();
  });
});

describe('changing a handler event', () => {
  it('rewrites an untouched stub and renames a default id', () => {
    const flow = withNodes([0, 0]);
    const out = changeHandlerEvent(flow, 'on-text', 'onClose');
    expect(out.id).toBe('on-close');
    expect(out.kept).toBe(false);
    expect(out.flow.nodes[0]).toMatchObject({ id: 'on-close', type: 'onClose', code: defaultSnippet('onClose') });
  });

  it('keeps edited code and a chosen id', () => {
    const flow = updateNode(withNodes([0, 0]), 'on-text', { code: 'export default function onText() {}\n' });
    const renamed = { ...flow, nodes: flow.nodes.map((n) => ({ ...n, id: 'echo' })) };
    const out = changeHandlerEvent(renamed, 'echo', 'onOpen');
    expect(out).toMatchObject({ id: 'echo', kept: true });
    expect(out.flow.nodes[0]?.code).toBe('export default function onText() {}\n');
  });
});

describe('runtime errors', () => {
  it('folds failures into one entry per error with a count and the first trace row', () => {
    const fail = { kind: 'invoke' as const, t: 1, nodeId: 'on-text', connectionId: 'k1', event: 'text' as const, durationMs: 1, logs: [], error: { code: 'WSF_SNIPPET_THROW', nodeId: 'on-text', message: 'boom', line: 2 } };
    const ok = { ...fail, error: undefined };
    const first = runtimeErrorsOf([], [ok, fail], 10);
    expect(first).toEqual([{ problem: { severity: 'error', code: 'WSF_SNIPPET_THROW', message: 'boom', nodeId: 'on-text', line: 2 }, traceSeq: 11, count: 1 }]);
    const second = runtimeErrorsOf(first, [fail], 12);
    expect(second[0]?.count).toBe(2);
    expect(runtimeErrorsOf(second, [ok], 13)).toBe(second);
  });
});

describe('command registry', () => {
  it('joins every row of the table with an action and finds commands by key', () => {
    const ran: CommandId[] = [];
    const actions = Object.fromEntries(COMMAND_TABLE.map((c): [CommandId, Action] => [c.id, { run: () => void ran.push(c.id) }])) as Record<CommandId, Action>;
    const commands = createCommands(actions, useStudio);
    expect(commands.list.map((c) => c.id)).toEqual(COMMAND_TABLE.map((c) => c.id));
    const key = (init: Partial<KeyInput> & Pick<KeyInput, 'code' | 'key'>): KeyInput => ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target: null, preventDefault: () => undefined, ...init });
    commands.handleKeydown(key({ code: 'KeyS', key: 's', ctrlKey: true }));
    commands.handleKeydown(key({ code: 'Slash', key: '?', shiftKey: true }));
    commands.handleKeydown(key({ code: 'KeyQ', key: 'q', ctrlKey: true }));
    expect(ran).toEqual(['file.save', 'help.shortcuts']);
  });
});
