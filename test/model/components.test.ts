/**
 * The component pre-pass (runtime/model/component-inline.ts): ids, params, outputs, nesting, positions
 * mapped back into the component file, and a runtime failure inside a component named by its
 * inlined id (`<useId>/<innerId>`) through the chain's spans.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startFlow, compileFlow } from '../../runtime/engine/index.ts';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { resolveRef } from '../../runtime/model/components.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const FLOW = `wsflow: 1
name: t
listener: { port: 9000 }
nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: first, type: component, ref: ./tag.wsflow-component.yaml, params: { tag: "A" } }
  - { id: second, type: component, ref: ./tag.wsflow-component.yaml, params: { tag: "B", loud: true } }
  - { id: done, type: reply, message: "done" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: first }
  - { from: first, to: second, port: next }
  - { from: second, to: done, port: next }
  - { from: second, to: done, port: failed }
`;
const TAG = `wsflow-component: 1
name: tag
params:
  tag: { type: string }
  loud: { type: boolean, default: false }
entry: check
nodes:
  - { id: check, type: if, condition: "text !== 'boom'" }
  - { id: say, type: reply, message: "\${params.tag}:\${params.loud ? text.toUpperCase() : text}" }
  - { id: boom, type: code, code: "throw new Error('boom in ' + \${'params.tag'});" }
  - { id: next, type: output, name: next }
  - { id: failed, type: output, name: failed }
edges:
  - { from: check, to: say, port: then }
  - { from: check, to: boom, port: else }
  - { from: say, to: next }
  - { from: boom, to: failed }
`.replace("${'params.tag'}", 'params.tag');

const parse = (flow: string, tag: string) => parseFlow(flow, 'dir/t.wsflow.yaml', { components: new Map([['dir/tag.wsflow-component.yaml', tag]]) });

describe('inlineComponents', () => {
  it('resolves refs against the using file', () => {
    expect(resolveRef('dir/t.wsflow.yaml', './tag.wsflow-component.yaml')).toBe('dir/tag.wsflow-component.yaml');
    expect(resolveRef('a/b/c.yaml', '../d.yaml')).toBe('a/d.yaml');
    expect(resolveRef('c.yaml', './d.yaml')).toBe('d.yaml');
    expect(resolveRef('/x/c.yaml', '../../d.yaml')).toBe('/d.yaml');
  });

  it('inlines each use with prefixed ids, bound params and outputs wired to the use edges', () => {
    const parsed = parse(FLOW, TAG);
    expect(parsed.problems).toEqual([]);
    const flow = parsed.inlined?.flow as FlowDocument;
    expect(flow.nodes.map((n) => n.id)).toEqual(['up', 'svc', 'on-text', 'first/check', 'first/say', 'first/boom', 'first/next', 'first/failed', 'second/check', 'second/say', 'second/boom', 'second/next', 'second/failed', 'done']);
    expect(flow.nodes.find((n) => n.id === 'second/say')?.message).toBe('${"B"}:${true ? text.toUpperCase() : text}');
    expect(flow.edges).toEqual(expect.arrayContaining([
      { from: 'on-text', to: 'first/check' },
      { from: 'first/next', to: 'second/check' },
      { from: 'second/next', to: 'done' },
      { from: 'second/failed', to: 'done' },
    ]));
    // The original flow is untouched (the designer edits it).
    expect(parsed.flow?.nodes.some((n) => n.type === 'component')).toBe(true);
  });

  it('locates a problem after a bound param at its column in the component file', () => {
    const tag = TAG.replace("${params.tag}:${params.loud", "${params.tag}:${params.loud}${conn.nope");
    const found = parse(FLOW, tag);
    const at = found.inlined?.locate(['nodes', 4, 'message'], { line: 1, col: '${"A"}:${false}${conn.'.length + 1 });
    // As written: `${params.tag}:${params.loud}${conn.` then `nope`, inside the quoted scalar at line 9.
    expect(at).toMatchObject({ file: 'dir/tag.wsflow-component.yaml', line: 9 });
    const line = tag.split('\n')[8] as string;
    expect(at?.col).toBe(line.indexOf('nope') + 1);
  });

  it('keeps uses as they are when no files could be read (the canvas)', () => {
    const parsed = parseFlow(FLOW, 'dir/t.wsflow.yaml');
    expect(parsed.problems).toEqual([]);
    expect(parsed.inlined?.flow.nodes.filter((n) => n.type === 'component').length).toBe(2);
  });
});

describe('a runtime failure inside a component', () => {
  let running: RunningFlow | undefined;
  afterAll(async () => running?.stop({ drainTimeoutMs: 500 }));

  it('is located on <useId>/<innerId> by the chain spans', async () => {
    const flow = parse(FLOW, TAG).inlined?.flow as FlowDocument;
    running = await startFlow(await compileFlow(flow), { port: 0 });
    const events: TraceEvent[] = [];
    const sub = running.subscribe((e) => events.push(e));
    const client = await TestClient.connect(`${running.url}/c`);
    client.send('hi');
    expect(await client.next()).toBe('A:hi');
    expect(await client.next()).toBe('B:HI');
    expect(await client.next()).toBe('done');
    client.send('boom');
    const failure = await waitFor('a thrown failure', () => {
      for (const e of events) if (e.kind === 'invoke' && e.error?.code === 'WSF_SNIPPET_THROW') return e.error;
      return undefined;
    }, 5000);
    expect(failure.message).toBe('boom in A');
    // The engine locates a chain's failure on its action node (the inlined id) itself.
    expect(failure.nodeId).toBe('first/boom');
    sub.unsubscribe();
    client.socket.close();
  });
});
