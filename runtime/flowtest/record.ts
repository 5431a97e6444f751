/**
 * Turns a session recorded in the designer's test clients into a flow test and adds it to the
 * test file text (comments and other tests kept). Timestamps are dropped (steps keep only their
 * order); ids, UUIDs and times in received messages are normalised away by the expectation mode the
 * user picked: `exact` keeps the text, `regex` escapes it and loosens ids and times, `json` keeps a
 * subset without id and time fields. Pure: no Node, no DOM.
 */
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { Json, RecordedTest, ExpectMode } from './types.ts';

export type { ExpectMode, RecordedClient, RecordedStep, RecordedTest } from './types.ts';

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const LONG_NUMBER = /\d{6,}/g;
const ID_KEY = /^(id|uuid|guid|t|ts|time|timestamp|date|[a-z]+(Id|ID|_id|At|_at|Time|Timestamp))$/;

/** The mode a recorder proposes for a received message: JSON objects by subset, ids by regex. */
export function suggestMode(data: string): ExpectMode {
  if (parseObject(data) !== undefined) return 'json';
  return new RegExp(`${UUID.source}|${ISO_TIME.source}|${LONG_NUMBER.source}`).test(data) ? 'regex' : 'exact';
}

/** The regex for a text: exact except ids, UUIDs, times and long numbers. */
export function looseRegex(text: string): string {
  const marks: string[] = [];
  const marked = text
    .replace(UUID, () => mark(marks, '[0-9a-fA-F-]{36}'))
    .replace(ISO_TIME, () => mark(marks, '\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(?:Z|[+-][0-9:]+)?'))
    .replace(LONG_NUMBER, () => mark(marks, '\\d+'));
  const escaped = marked.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return `^${escaped.replace(/\uE000(\d+)\uE000/g, (_, i: string) => marks[Number(i)] ?? '')}$`;
}

function mark(marks: string[], pattern: string): string {
  marks.push(pattern);
  return `\uE000${marks.length - 1}\uE000`;
}

/** A JSON subset without id- and time-like fields (they change from run to run). */
export function stableSubset(value: Json): Json {
  if (Array.isArray(value)) return value.map(stableSubset);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, v] of Object.entries(value)) {
      if (ID_KEY.test(key)) continue;
      if (typeof v === 'string' && (new RegExp(`^(${UUID.source}|${ISO_TIME.source})$`).test(v))) continue;
      out[key] = stableSubset(v);
    }
    return out;
  }
  return value;
}

function parseObject(text: string): Json | undefined {
  try {
    const value = JSON.parse(text) as Json;
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The test as the plain data a test file holds. */
export function recordedToData(test: RecordedTest): Record<string, unknown> {
  const clients: Record<string, unknown> = {};
  for (const c of test.clients) clients[c.name] = Object.keys(c.query).length ? { path: c.path, query: c.query } : { path: c.path };
  const steps = test.steps.map((s): Record<string, unknown> => {
    switch (s.kind) {
      case 'connect':
        return { connect: s.client };
      case 'refused':
        return s.status === undefined ? { expectRefused: s.client } : { expectRefused: s.client, status: s.status };
      case 'send': {
        if (s.binary) return { send: s.client, binary: s.data };
        const json = parseObject(s.data);
        return json === undefined ? { send: s.client, text: s.data } : { send: s.client, json };
      }
      case 'receive': {
        if (s.binary) return { expect: s.client, binary: s.data };
        const mode = s.mode ?? suggestMode(s.data);
        const json = mode === 'json' ? parseObject(s.data) : undefined;
        if (json !== undefined) return { expect: s.client, json: stableSubset(json) };
        return mode === 'regex' ? { expect: s.client, match: looseRegex(s.data) } : { expect: s.client, text: s.data };
      }
      case 'close':
        // A normal close is what the designer's Close button sends.
        if (s.code === 1000) return { close: s.client };
        return { expectClose: s.client, code: s.code, ...(s.reason ? { reason: s.reason } : {}) };
    }
  });
  return { name: test.name, clients, steps };
}

/**
 * The test file text with `test` added at the end (a new file when `existing` is undefined). A name
 * already taken gets a number, so recording twice never overwrites a test.
 */
export function appendRecordedTest(existing: string | undefined, test: RecordedTest): { text: string; name: string } {
  const doc: Document = existing?.trim() ? parseDocument(existing) : parseDocument('wsflowTest: 1\ntests: []\n');
  if (!isMap(doc.contents)) throw new Error('the test file is not a mapping; fix it before recording into it');
  let tests = doc.get('tests', true);
  if (!isSeq(tests)) {
    doc.set('tests', doc.createNode([]));
    tests = doc.get('tests', true);
  }
  if (!isSeq(tests)) throw new Error('the test file has no tests list');
  const taken = new Set(tests.items.map((item) => (isMap(item) ? String(item.get('name')) : '')));
  let name = test.name;
  for (let i = 2; taken.has(name); i++) name = `${test.name} (${i})`;
  const node = doc.createNode(recordedToData({ ...test, name }));
  tests.flow = false;
  tests.items.push(node);
  return { text: doc.toString({ lineWidth: 0 }), name };
}
