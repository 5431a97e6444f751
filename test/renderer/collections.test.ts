/**
 * Saved test-client messages (`designer.collections`): the pure edits, their round trip through the
 * save path (updateFlowYaml keeps the sample's comments), and the stored shape against the flow's
 * JSON Schema.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { collectionsOf, defaultCollection, deleteMessage, renameMessage, renameProblem, saveMessage } from '../../renderer/src/model/collections.ts';

const ECHO = readFileSync(new URL('../../samples/echo.wsflow.yaml', import.meta.url), 'utf8');
const echo = (): FlowDocument => {
  const { flow } = parseFlow(ECHO, 'echo.wsflow.yaml');
  if (!flow) throw new Error('echo sample did not parse');
  return flow;
};
const schema = JSON.parse(readFileSync(new URL('../../runtime/model/wsflow.schema.json', import.meta.url), 'utf8')) as object;

describe('saved-message collections', () => {
  it('saves, replaces by name, renames and deletes; an emptied collection and designer section go away', () => {
    const start = echo();
    expect(defaultCollection(start)).toBe('Echo');
    let flow = saveMessage(start, 'Echo', { name: 'greeting', data: 'hello' });
    flow = saveMessage(flow, 'Echo', { name: 'json', data: '{"a":1}', json: true });
    flow = saveMessage(flow, 'Echo', { name: 'greeting', data: 'hello again', json: false });
    flow = saveMessage(flow, 'Other', { name: 'bye', data: 'bye' });
    expect(collectionsOf(flow)).toEqual([
      { name: 'Echo', messages: [{ name: 'greeting', data: 'hello again' }, { name: 'json', data: '{"a":1}', json: true }] },
      { name: 'Other', messages: [{ name: 'bye', data: 'bye' }] },
    ]);
    expect(collectionsOf(start)).toEqual([]);

    expect(renameProblem(flow, 'Echo', 'greeting', 'json')).toBe('"json" is already in Echo.');
    expect(renameProblem(flow, 'Echo', 'greeting', ' ')).toBe('A saved message needs a name.');
    expect(renameMessage(flow, 'Echo', 'greeting', 'json')).toBe(flow);
    flow = renameMessage(flow, 'Echo', 'greeting', 'hello');
    expect(collectionsOf(flow)[0]?.messages.map((m) => m.name)).toEqual(['hello', 'json']);

    flow = deleteMessage(flow, 'Other', 'bye');
    expect(collectionsOf(flow).map((c) => c.name)).toEqual(['Echo']);
    flow = deleteMessage(deleteMessage(flow, 'Echo', 'hello'), 'Echo', 'json');
    expect(flow.designer).toBeUndefined();
  });

  it('keeps frames beside it, saves through updateFlowYaml, reads back equal, and matches the schema', () => {
    const framed: FlowDocument = { ...echo(), designer: { frames: [{ id: 'frame-1', label: 'Text', nodes: ['on-text'] }] } };
    const flow = saveMessage(framed, 'Echo', { name: 'multi line', data: 'line 1\nline 2: "quoted"' });
    const text = updateFlowYaml(ECHO, flow);
    expect(text).toContain('# userver');
    const back = parseFlow(text, 'echo.wsflow.yaml');
    expect(back.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(back.flow?.designer).toEqual({
      frames: [{ id: 'frame-1', label: 'Text', nodes: ['on-text'] }],
      collections: [{ name: 'Echo', messages: [{ name: 'multi line', data: 'line 1\nline 2: "quoted"' }] }],
    });
    const check = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    expect(check(back.flow), JSON.stringify(check.errors)).toBe(true);
    // The schema refuses a saved message without its text.
    const broken = { ...back.flow, designer: { collections: [{ name: 'Echo', messages: [{ name: 'x' }] }] } };
    expect(check(broken)).toBe(false);
  });
});
