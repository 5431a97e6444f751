/** A compile failure on a node with no snippet (a chain's event node) never reads "Syntax error in the snippet (line N)". */
import { describe, expect, it } from 'vitest';
import { compileFailureProblems } from '../../runtime/check/snippet-diagnostics.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';

describe('compile failures without a snippet', () => {
  it('name the generated code of the node, not a snippet line', () => {
    const flow = { wsflow: 1, name: 'x', nodes: [{ id: 'on-text', type: 'onText' }], edges: [] } as unknown as FlowDocument;
    const problems = compileFailureProblems([{ nodeId: 'on-text', message: 'on-text: Expected ")" but found ";"', line: 12, col: 3 }], flow, () => ({ line: 7, col: 5 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toBe('Syntax error in the code generated for this node: Expected ")" but found ";"');
    expect(problems[0]).toMatchObject({ nodeId: 'on-text', field: 'type', line: 7 });
  });
});
