/**
 * A chain invocation's path in the Trace (its steps, the port a branch took) and on the canvas,
 * and runtime errors of an action node's field: on that node, ended when it next runs cleanly.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../runtime/studio/protocol.ts';
import { describe as describeRow, onPath, pathOf } from '../../renderer/src/panels/trace-rows.ts';
import { runtimeErrorsOf } from '../../renderer/src/model/runtime-errors.ts';

const base = { kind: 'invoke' as const, t: 1, nodeId: 'on-text', connectionId: 'k1', event: 'text' as const, durationMs: 1, logs: [] };
const taken: TraceEvent = { ...base, steps: [{ nodeId: 'route', port: 'then', ms: 0.1 }, { nodeId: 'greet', ms: 0.1 }] };
const failed: TraceEvent = {
  ...base,
  steps: [{ nodeId: 'route', port: 'else', ms: 0.1 }, { nodeId: 'reply-1', ms: 0.1 }],
  error: { code: 'WSF_SNIPPET_THROW', nodeId: 'reply-1', field: 'value', message: 'boom' },
};

describe('a chain invocation in the Trace', () => {
  it('shows its steps with the port taken', () => {
    expect(describeRow(taken).text).toContain('route → then → greet');
    const row = describeRow(failed);
    expect(row.text).toContain("in 'reply-1' field 'value'");
    expect(row.text).toContain('route → else → reply-1');
    expect(row.text).not.toMatch(/line \d/);
  });

  it('lights the handler, the steps and the edges between them, only the port taken', () => {
    const path = pathOf(taken, 7);
    expect(path).toEqual({ seq: 7, nodes: ['on-text', 'route', 'greet'], edges: [{ from: 'on-text', to: 'route' }, { from: 'route', to: 'greet', port: 'then' }] });
    if (!path) throw new Error('no path');
    expect(onPath(path, { from: 'on-text', to: 'route' })).toBe(true);
    expect(onPath(path, { from: 'route', to: 'greet', port: 'then' })).toBe(true);
    expect(onPath(path, { from: 'route', to: 'reply-1', port: 'else' })).toBe(false);
    expect(pathOf({ ...base }, 8)).toBeUndefined();
  });
});

describe('runtime errors of an action node', () => {
  it('sit on the action node with the field, and end when it next runs cleanly', () => {
    const errors = runtimeErrorsOf([], [failed], 3);
    expect(errors).toEqual([{ problem: { severity: 'error', code: 'WSF_SNIPPET_THROW', message: 'boom', nodeId: 'reply-1', field: 'value' }, traceSeq: 3, count: 1 }]);
    // Another path that does not run reply-1 leaves its error.
    expect(runtimeErrorsOf(errors, [taken], 4)).toBe(errors);
    const clean: TraceEvent = { ...base, steps: [{ nodeId: 'route', port: 'else', ms: 0.1 }, { nodeId: 'reply-1', ms: 0.1 }] };
    expect(runtimeErrorsOf(errors, [clean], 5)).toEqual([]);
  });
});
