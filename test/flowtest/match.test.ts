/** The comparisons behind `expect` and `expectAnyOrder`, and the reading of test files (in process). */
import { describe, expect, it } from 'vitest';
import { jsonSubsetMismatch, matchMessage, unmatchedInAnyOrder, type Received } from '../../runtime/flowtest/match.ts';
import { readTestText } from '../../runtime/flowtest/load.ts';

const text = (t: string): Received => ({ kind: 'text', text: t });

describe('matching received messages', () => {
  it('compares text exactly, by regex, and binary against text', () => {
    expect(matchMessage({ kind: 'text', text: 'hi' }, text('hi')).ok).toBe(true);
    expect(matchMessage({ kind: 'text', text: 'hi' }, text('hi ')).ok).toBe(false);
    expect(matchMessage({ kind: 'regex', pattern: '^Hi \\w+!$' }, text('Hi bob!')).ok).toBe(true);
    expect(matchMessage({ kind: 'regex', pattern: '^Hi' }, text('Hello')).ok).toBe(false);
    expect(matchMessage({ kind: 'binary', base64: 'AAE=' }, { kind: 'binary', base64: 'AAE=', bytes: 2 }).ok).toBe(true);
    expect(matchMessage({ kind: 'text', text: 'AAE=' }, { kind: 'binary', base64: 'AAE=', bytes: 2 })).toEqual({ ok: false, why: 'expected a text message, got a binary message' });
  });

  it('matches JSON as a subset and says where it differs', () => {
    expect(jsonSubsetMismatch({ type: 'Connect', room: 1 }, { type: 'Connect', room: 1, extra: true }, '$')).toBeUndefined();
    expect(jsonSubsetMismatch({ type: 'Connect', room: 1 }, { type: 'Connect', room: 2 }, '$')).toBe('$.room should be 1, is 2');
    expect(jsonSubsetMismatch({ a: { b: [1, { c: 'x' }] } }, { a: { b: [1, { c: 'y', d: 0 }] } }, '$')).toBe('$.a.b[1].c should be "x", is "y"');
    expect(jsonSubsetMismatch({ list: [1] }, { list: [1, 2] }, '$')).toBe('$.list should have 1 entries, has 2');
    expect(jsonSubsetMismatch({ 'a-b': null }, {}, '$')).toBe('$["a-b"] is missing');
    expect(matchMessage({ kind: 'json', subset: { a: 1 } }, text('not json'))).toEqual({ ok: false, why: 'the message is not JSON' });
  });

  it('assigns messages to expectations in any order, each message once', () => {
    const m = [
      { kind: 'regex', pattern: '^ann:' },
      { kind: 'text', text: 'ann: hi' },
    ] as const;
    // The first message fits both; a greedy pick would leave the second unmatched.
    expect(unmatchedInAnyOrder(m, [text('ann: hi'), text('ann: yo')])).toEqual([]);
    expect(unmatchedInAnyOrder(m, [text('ann: yo'), text('ann: yo')])).toEqual([1]);
  });
});

describe('reading test files', () => {
  it('normalises steps with defaults and positions', () => {
    const { suite, problems } = readTestText(
      ['wsflowTest: 1', 'defaults: { timeoutMs: 1500 }', 'tests:', '  - name: t', '    clients: { a: { path: /x, query: { n: 1 }, token: "${env.T}" } }', '    steps:', '      - connect: a', '      - expect: [a]', '        json: { n: 1 }', '      - expectNone: a', ''].join('\n'),
      { file: 'x.wsflow.test.yaml', env: { T: 'secret' } },
    );
    expect(problems).toEqual([]);
    const test = suite?.tests[0];
    expect(test?.clients.a).toEqual({ path: '/x', query: { n: '1' }, headers: {}, subprotocols: [], token: 'secret', tokenIn: 'header' });
    expect(test?.steps[1]).toMatchObject({ kind: 'expect', clients: ['a'], timeoutMs: 1500, index: 2, line: 8, col: 9 });
    expect(test?.steps[2]).toMatchObject({ kind: 'expectNone', forMs: 300 });
  });
});
