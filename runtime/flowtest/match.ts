/**
 * Comparing a received message with an expectation, and saying both in one readable line each.
 * Pure (no Node): the designer shows the same words as the CLI.
 */
import type { Json, Matcher, Payload } from './types.ts';

export type Received = { kind: 'text'; text: string } | { kind: 'binary'; base64: string; bytes: number };

export type MatchResult = { ok: true } | { ok: false; why: string };

const LIMIT = 400;

export function clip(text: string, limit = LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}... (${text.length} characters)` : text;
}

export function quote(text: string): string {
  return clip(JSON.stringify(text));
}

export function describeMatcher(m: Matcher): string {
  switch (m.kind) {
    case 'text':
      return `text ${quote(m.text)}`;
    case 'regex':
      return `text matching /${m.pattern}/`;
    case 'json':
      return `JSON containing ${clip(JSON.stringify(m.subset))}`;
    case 'binary':
      return `binary ${base64Bytes(m.base64)} bytes ${clip(m.base64)}`;
  }
}

export function describeReceived(r: Received): string {
  return r.kind === 'text' ? `text ${quote(r.text)}` : `binary ${r.bytes} bytes ${clip(r.base64)}`;
}

export function describePayload(p: Payload): string {
  if (p.kind === 'text') return `text ${quote(p.text)}`;
  if (p.kind === 'json') return `text ${quote(JSON.stringify(p.value))}`;
  return `binary ${base64Bytes(p.base64)} bytes ${clip(p.base64)}`;
}

export function matchMessage(m: Matcher, r: Received): MatchResult {
  if (m.kind === 'binary') {
    if (r.kind !== 'binary') return { ok: false, why: 'expected a binary message, got a text message' };
    return normaliseBase64(r.base64) === normaliseBase64(m.base64) ? { ok: true } : { ok: false, why: 'the bytes differ' };
  }
  if (r.kind !== 'text') return { ok: false, why: 'expected a text message, got a binary message' };
  switch (m.kind) {
    case 'text':
      return r.text === m.text ? { ok: true } : { ok: false, why: firstDifference(m.text, r.text) };
    case 'regex':
      return new RegExp(m.pattern, 'u').test(r.text) ? { ok: true } : { ok: false, why: `the text does not match /${m.pattern}/` };
    case 'json': {
      let actual: unknown;
      try {
        actual = JSON.parse(r.text);
      } catch {
        return { ok: false, why: 'the message is not JSON' };
      }
      const where = jsonSubsetMismatch(m.subset, actual, '$');
      return where === undefined ? { ok: true } : { ok: false, why: where };
    }
  }
}

/**
 * Undefined when `actual` contains `expected`: objects may have more keys, lists must have the
 * same length and match element by element, everything else is compared exactly.
 */
export function jsonSubsetMismatch(expected: Json, actual: unknown, at: string): string | undefined {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at} should be an object, is ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const path = /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;
      if (!(key in actual)) return `${path} is missing`;
      const inner = jsonSubsetMismatch(value, (actual as Record<string, unknown>)[key], path);
      if (inner) return inner;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${at} should be a list, is ${clip(JSON.stringify(actual) ?? 'undefined', 80)}`;
    if (actual.length !== expected.length) return `${at} should have ${expected.length} entries, has ${actual.length}`;
    for (const [i, value] of expected.entries()) {
      const inner = jsonSubsetMismatch(value, actual[i], `${at}[${i}]`);
      if (inner) return inner;
    }
    return undefined;
  }
  return Object.is(expected, actual) || expected === actual ? undefined : `${at} should be ${JSON.stringify(expected)}, is ${clip(JSON.stringify(actual) ?? 'undefined', 80)}`;
}

/**
 * Assigns each received message to a distinct matcher (any order). Returns the indexes of the
 * matchers nobody satisfied, empty when all are met. Small sets, so plain backtracking.
 */
export function unmatchedInAnyOrder(matchers: readonly Matcher[], received: readonly Received[]): number[] {
  const fits = received.map((r) => matchers.map((m) => matchMessage(m, r).ok));
  const owner: Array<number | undefined> = matchers.map(() => undefined);
  const assign = (r: number, seen: Set<number>): boolean => {
    for (let m = 0; m < matchers.length; m++) {
      if (!fits[r]?.[m] || seen.has(m)) continue;
      seen.add(m);
      const current = owner[m];
      if (current === undefined || assign(current, seen)) {
        owner[m] = r;
        return true;
      }
    }
    return false;
  };
  for (let r = 0; r < received.length; r++) assign(r, new Set());
  return owner.flatMap((o, m) => (o === undefined ? [m] : []));
}

function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  if (i === actual.length && i < expected.length) return `the text ends after ${i} characters, expected more: ${quote(expected.slice(i))}`;
  if (i === expected.length && i < actual.length) return `the text has more after ${i} characters: ${quote(actual.slice(i))}`;
  return `the texts differ from character ${i + 1}`;
}

function normaliseBase64(text: string): string {
  return text.replace(/\s+/g, '');
}

function base64Bytes(text: string): number {
  const clean = normaliseBase64(text);
  return Math.floor((clean.length * 3) / 4) - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
}
