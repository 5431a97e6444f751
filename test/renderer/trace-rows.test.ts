/** How the Trace panel words an invocation's input preview, collapsed and expanded. */
import { describe, expect, it } from 'vitest';
import { COLLAPSED_CHARS, inputLabel, nodesOf } from '../../renderer/src/panels/trace-rows.ts';

describe('trace rows', () => {
  it('shows a short text whole, with nothing to expand', () => {
    expect(inputLabel({ type: 'text', preview: 'hi', size: 2, truncated: false }, false)).toEqual({ text: '“hi”', cut: false, expandable: false });
  });

  it('collapses a longer text and says when the engine cut it', () => {
    const preview = 'a'.repeat(200);
    const collapsed = inputLabel({ type: 'text', preview, size: 500, truncated: true }, false);
    expect(collapsed).toEqual({ text: `“${'a'.repeat(COLLAPSED_CHARS)}…”`, cut: true, expandable: true });
    const expanded = inputLabel({ type: 'text', preview, size: 500, truncated: true }, true);
    expect(expanded.text).toBe(`“${preview}…” (truncated: first 200 of 500 characters)`);
  });

  it('shows binary as its size and first bytes', () => {
    expect(inputLabel({ type: 'binary', preview: '00 ff', size: 2, truncated: false }, false).text).toBe('<2 bytes> 00 ff');
    expect(inputLabel({ type: 'binary', preview: '07', size: 1, truncated: false }, false).text).toBe('<1 byte> 07');
    expect(inputLabel({ type: 'binary', preview: '00 01', size: 900, truncated: true }, false).text).toBe('<900 bytes> 00 01 …');
  });

  it('knows the nodes of a connection event', () => {
    expect(nodesOf({ kind: 'connection', t: 0, state: 'open', connectionId: 'c', serviceId: 's', upgraderId: 'u', path: '/' })).toEqual(['s', 'u']);
  });
});
