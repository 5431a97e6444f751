/**
 * The service inspector's message editor at the store level: the patches it sends through
 * `change` add a message, edit its schema, keep unknown keys, and undo/redo restore each step.
 */
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { ServiceNode } from '../../runtime/model/types.ts';
import { addNode, emptyFlow, newNode, updateNode } from '../../renderer/src/model/flow-ops.ts';
import { addMessage, messagesOf, parseSchemaText, removeMessage, updateMessage } from '../../renderer/src/model/messages.ts';
import { isDirty, useStudio } from '../../renderer/src/store.ts';

const service = (): ServiceNode => useStudio.getState().flow.nodes.find((n) => n.id === 'service') as ServiceNode;
/** What the inspector does: a node patch through the store, coalesced per field. */
const apply = (patch: Record<string, unknown>, key: string) => useStudio.getState().change((f) => updateNode(f, 'service', patch), { coalesce: `node:service:${key}` });

describe('message editor through the store', () => {
  it('adds a message, changes its schema, and undo restores each step', () => {
    const empty = emptyFlow('m');
    const start = addNode(empty, newNode(empty, 'service', { x: 0, y: 0 }));
    useStudio.getState().loadDocument({ flow: start, text: undefined, path: 'm.wsflow.yaml' });
    expect(isDirty(useStudio.getState())).toBe(false);

    apply(addMessage(service(), 'outgoing'), 'messages.outgoing.add');
    expect(messagesOf(service(), 'outgoing')).toEqual([{ name: 'event', contentType: 'application/json', schema: { type: 'object' } }]);
    expect(service().messages?.incoming).toBeUndefined();
    expect(isDirty(useStudio.getState())).toBe(true);
    const afterAdd = useStudio.getState().flow;

    const parsed = parseSchemaText('{"type":"object","required":["text"],"properties":{"text":{"type":"string"}}}');
    if (!parsed.ok) throw new Error(parsed.error);
    apply(updateMessage(service(), 'outgoing', 0, { schema: parsed.schema }), 'messages.outgoing.0.schema');
    expect(messagesOf(service(), 'outgoing')[0]?.schema).toEqual({ type: 'object', required: ['text'], properties: { text: { type: 'string' } } });
    expect(useStudio.getState().history.past).toHaveLength(2);

    useStudio.getState().undo();
    expect(useStudio.getState().flow).toBe(afterAdd);
    expect(messagesOf(service(), 'outgoing')[0]?.schema).toEqual({ type: 'object' });
    useStudio.getState().undo();
    expect(useStudio.getState().flow).toBe(start);
    expect(service().messages).toBeUndefined();
    expect(isDirty(useStudio.getState())).toBe(false);
    useStudio.getState().redo();
    expect(messagesOf(service(), 'outgoing').map((m) => m.name)).toEqual(['event']);
  });

  it('keeps unknown keys of a message and of `messages`, and drops empty lists', () => {
    const empty = emptyFlow('m');
    let flow = addNode(empty, newNode(empty, 'service', { x: 0, y: 0 }));
    flow = updateNode(flow, 'service', {
      messages: { 'x-note': 'keep', incoming: [{ name: 'chat', 'x-tag': 7, schema: { type: 'string' } }] },
    });
    useStudio.getState().loadDocument({ flow, text: undefined, path: 'm.wsflow.yaml' });
    apply(updateMessage(service(), 'incoming', 0, { name: 'say', contentType: 'text/plain', description: 'a line' }), 'messages.incoming.0.name');
    expect(service().messages).toEqual({
      'x-note': 'keep',
      incoming: [{ name: 'say', 'x-tag': 7, schema: { type: 'string' }, contentType: 'text/plain', description: 'a line' }],
    });
    apply(updateMessage(service(), 'incoming', 0, { description: undefined }), 'messages.incoming.0.description');
    expect(messagesOf(service(), 'incoming')[0]).not.toHaveProperty('description');
    apply(addMessage(service(), 'incoming'), 'messages.incoming.add');
    expect(messagesOf(service(), 'incoming').map((m) => m.name)).toEqual(['say', 'request']);
    apply(removeMessage(service(), 'incoming', 0), 'messages.incoming.remove');
    apply(removeMessage(service(), 'incoming', 0), 'messages.incoming.remove');
    expect(service().messages).toEqual({ 'x-note': 'keep' });
  });

  it('refuses invalid schema text with a message and accepts empty text as "no schema"', () => {
    const bad = parseSchemaText('{"type": ');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/Invalid JSON/);
    const notObject = parseSchemaText('[1, 2]');
    expect(notObject.ok).toBe(false);
    if (!notObject.ok) expect(notObject.error).toMatch(/JSON object/);
    expect(parseSchemaText('  ')).toEqual({ ok: true, schema: undefined });
  });

  it('an added message survives saving to YAML and parsing back', () => {
    const empty = emptyFlow('m');
    const start = addNode(empty, newNode(empty, 'service', { x: 0, y: 0 }));
    useStudio.getState().loadDocument({ flow: start, text: undefined, path: 'm.wsflow.yaml' });
    apply(addMessage(service(), 'outgoing'), 'messages.outgoing.add');
    apply(updateMessage(service(), 'outgoing', 0, { name: 'joined' }), 'messages.outgoing.0.name');
    const text = updateFlowYaml(undefined, useStudio.getState().flow);
    expect(text).toContain('joined');
    const back = parseFlow(text, 'm.wsflow.yaml');
    expect(back.problems.filter((p) => p.field?.startsWith('messages'))).toEqual([]);
    const node = back.flow?.nodes.find((n) => n.id === 'service') as ServiceNode | undefined;
    expect(node?.messages?.outgoing?.[0]).toEqual({ name: 'joined', contentType: 'application/json', schema: { type: 'object' } });
  });
});
