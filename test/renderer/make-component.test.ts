import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { makeComponent } from '../../renderer/src/model/make-component.ts';

const CHAT = parseFlow(readFileSync('samples/chat-lowcode.wsflow.yaml', 'utf8'), 'samples/chat-lowcode.wsflow.yaml').flow as FlowDocument;

/** The made flow with its new component, validated as the CLI would (components read from `texts`). */
function check(flow: FlowDocument, fileName: string, text: string) {
  const yaml = JSON.stringify(flow); // JSON is YAML
  return parseFlow(yaml, 'samples/made.wsflow.yaml', { components: new Map([[`samples/${fileName}`, text]]) });
}

describe('makeComponent', () => {
  it('moves a chain tail into a component used by one node, and the flow stays valid', () => {
    const made = makeComponent(CHAT, ['uncount', 'left'], 'leave');
    if (!made.ok) throw new Error(made.reason);
    expect(made.fileName).toBe('leave.wsflow-component.yaml');
    expect(made.flow.edges).toContainEqual({ from: 'joined-close', to: 'leave', port: 'then' });
    const parsed = check(made.flow, made.fileName, made.text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.inlined?.flow.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['leave/uncount', 'leave/left']));
  });

  it('gives each edge that leaves the selection an output, named after its port', () => {
    const made = makeComponent(CHAT, ['name-taken', 'uncount-taken', 'refuse'], 'check-name');
    if (!made.ok) throw new Error(made.reason);
    expect(made.text).toContain('type: output');
    expect(made.flow.edges).toContainEqual({ from: 'check-name', to: 'register', port: 'else' });
    expect(check(made.flow, made.fileName, made.text).problems).toEqual([]);
  });

  it('refuses what cannot be one component', () => {
    expect(makeComponent(CHAT, ['on-text', 'joined-text'], 'x')).toMatchObject({ ok: false, reason: expect.stringContaining('not a chain step') });
    expect(makeComponent(CHAT, ['say', 'left'], 'x')).toMatchObject({ ok: false, reason: expect.stringContaining('one entry') });
    expect(makeComponent(CHAT, ['say'], 'Bad Name')).toMatchObject({ ok: false });
  });
});
