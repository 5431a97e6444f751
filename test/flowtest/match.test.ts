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

describe('recording a session as a test', () => {
  it('loosens ids and times by regex and drops them from JSON subsets', async () => {
    const { looseRegex, stableSubset, suggestMode } = await import('../../runtime/flowtest/record.ts');
    const re = new RegExp(looseRegex('user 3f2b8c1e-1111-4222-8333-444455556666 joined at 2026-12-01T23:00:00.123Z (1764630000000)'), 'u');
    expect(re.test('user 00000000-aaaa-4bbb-8ccc-dddddddddddd joined at 2027-01-02T03:04:05Z (1)')).toBe(true);
    expect(re.test('user x joined at 2026-12-01T23:00:00Z (1)')).toBe(false);
    expect(looseRegex('a.b (c)?')).toBe('^a\\.b \\(c\\)\\?$');
    expect(stableSubset({ type: 'Data', id: 7, roomId: 'r', at: '2026-12-01T23:00:00Z', nested: [{ createdAt: 1, text: 'x' }] })).toEqual({ type: 'Data', nested: [{ text: 'x' }] });
    expect(suggestMode('{"type":"x"}')).toBe('json');
    expect(suggestMode('id 3f2b8c1e-1111-4222-8333-444455556666')).toBe('regex');
    expect(suggestMode('Hi alice!')).toBe('exact');
  });

  it('adds a recorded test to a file, keeping its comments and other tests, never overwriting a name', async () => {
    const { appendRecordedTest } = await import('../../runtime/flowtest/record.ts');
    const existing = '# my tests\nwsflowTest: 1\ntests:\n  - name: chat\n    steps:\n      - wait: 1\n';
    const test = {
      name: 'chat',
      clients: [{ name: 'alice', path: '/chat/alice', query: { age: '20' } }],
      steps: [
        { kind: 'connect', client: 'alice' },
        { kind: 'send', client: 'alice', data: '{"type":"Data"}' },
        { kind: 'receive', client: 'alice', data: 'Hi alice!' },
        { kind: 'receive', client: 'alice', data: '{"type":"Data","id":4}', mode: 'json' },
        { kind: 'close', client: 'alice', code: 1000, reason: 'closed in the designer' },
      ],
    } as const;
    const { text, name } = appendRecordedTest(existing, { ...test, clients: [...test.clients], steps: [...test.steps] });
    expect(name).toBe('chat (2)');
    expect(text.startsWith('# my tests\n')).toBe(true);
    const { suite, problems } = readTestText(text, { file: 't.wsflow.test.yaml' });
    expect(problems).toEqual([]);
    expect(suite?.tests.map((t) => t.name)).toEqual(['chat', 'chat (2)']);
    expect(suite?.tests[1]?.steps.map((s) => s.kind)).toEqual(['connect', 'send', 'expect', 'expect', 'close']);
    expect(suite?.tests[1]?.steps[3]).toMatchObject({ matcher: { kind: 'json', subset: { type: 'Data' } } });
  });
});
