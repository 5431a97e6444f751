/**
 * Turns a flow test document (already checked against wsflow-test.schema.json) into the steps the
 * runner executes, and reports what a schema cannot say: one action per step, options that belong
 * to it, clients declared and connected before use, regular expressions and base64 that parse,
 * `${env.NAME}` values that are set. Every problem is located (file:line:col). Pure: the studio and
 * the designer use it too.
 */
import type { FieldPath, Locator } from '../model/locate.ts';
import type { Problem } from '../model/types.ts';
import { FLOWTEST_CODES as C } from './codes.ts';
import { replaceEnvRefs } from '../model/env-refs.ts';
import {
  DEFAULT_QUIET_MS,
  DEFAULT_SETTLE_MS,
  DEFAULT_TEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type ClientSpec,
  type FlowTest,
  type Json,
  type Matcher,
  type Payload,
  type Step,
  type StepKind,
  type TestSuite,
} from './types.ts';

type Raw = Record<string, unknown>;

const ACTIONS: readonly StepKind[] = ['connect', 'send', 'expect', 'expectAnyOrder', 'expectNone', 'expectClose', 'expectRefused', 'close', 'wait'];
const MATCHER_KEYS = ['text', 'match', 'json', 'binary'] as const;

/** The options each action accepts besides its own key. */
const OPTIONS: Record<StepKind, readonly string[]> = {
  connect: ['protocol', 'timeoutMs'],
  send: ['text', 'json', 'binary'],
  expect: [...MATCHER_KEYS, 'timeoutMs'],
  expectAnyOrder: ['messages', 'timeoutMs'],
  expectNone: ['forMs'],
  expectClose: ['code', 'reason', 'timeoutMs'],
  expectRefused: ['status', 'body', 'timeoutMs'],
  close: ['code', 'reason', 'timeoutMs'],
  wait: [],
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface ParseTestOptions {
  file?: string;
  /**
   * Values for `${env.NAME}` in client fields (the process environment in the CLI). Without it the
   * references stay as written and are not checked (the export copies the file as it is).
   */
  env?: Record<string, string | undefined>;
}

export function parseTestSuite(value: Raw, locate: Locator, options: ParseTestOptions = {}): { suite?: TestSuite; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (code: string, message: string, path: FieldPath) => {
    const at = locate(path) ?? locate([]);
    problems.push({ severity: 'error', code, message, file: options.file, line: at?.line, col: at?.col, field: path.join('.') || undefined });
  };
  const defaults = (value.defaults ?? {}) as Raw;
  const timeoutMs = (defaults.timeoutMs as number | undefined) ?? DEFAULT_TIMEOUT_MS;
  const quietMs = (defaults.quietMs as number | undefined) ?? DEFAULT_QUIET_MS;
  const testTimeoutMs = (defaults.testTimeoutMs as number | undefined) ?? DEFAULT_TEST_TIMEOUT_MS;

  const tests: FlowTest[] = [];
  const names = new Map<string, number>();
  for (const [t, rawTest] of (value.tests as Raw[]).entries()) {
    const at: FieldPath = ['tests', t];
    const name = rawTest.name as string;
    if (names.has(name)) problem(C.NAME_DUPLICATE, `Two tests are named '${name}' (the other is test ${(names.get(name) ?? 0) + 1}); test names must be unique so reports and --grep can tell them apart.`, [...at, 'name']);
    names.set(name, t);

    const clients: Record<string, ClientSpec> = {};
    for (const [clientName, rawClient] of Object.entries((rawTest.clients ?? {}) as Record<string, Raw>)) {
      const path: FieldPath = [...at, 'clients', clientName];
      const vars = options.env;
      const env = (field: string, text: string) => (vars === undefined ? text : substituteEnv(text, vars, (missing) => problem(C.ENV_MISSING, `\${env.${missing}} is not set; set the environment variable ${missing} before running the tests.`, [...path, field])));
      const strings = (field: string, record: unknown) =>
        Object.fromEntries(Object.entries((record ?? {}) as Record<string, unknown>).map(([k, v]) => [k, env(field, String(v))]));
      clients[clientName] = {
        path: env('path', (rawClient.path as string | undefined) ?? '/'),
        query: strings('query', rawClient.query),
        headers: strings('headers', rawClient.headers),
        subprotocols: ((rawClient.subprotocols ?? []) as string[]).map((p) => env('subprotocols', p)),
        token: rawClient.token === undefined ? undefined : env('token', rawClient.token as string),
        tokenIn: (rawClient.tokenIn as ClientSpec['tokenIn'] | undefined) ?? 'header',
      };
    }

    const steps: Step[] = [];
    const open = new Map<string, 'open' | 'closed' | 'refused'>();
    for (const [s, rawStep] of (rawTest.steps as Raw[]).entries()) {
      const path: FieldPath = [...at, 'steps', s];
      const step = parseStep(rawStep, path, s + 1, { timeoutMs, quietMs }, problem, locate);
      if (!step) continue;
      checkClients(step, path, clients, open, problem);
      steps.push(step);
    }
    const pos = locate(at);
    tests.push({ name, clients, steps, timeoutMs: (rawTest.timeoutMs as number | undefined) ?? testTimeoutMs, line: pos?.line, col: pos?.col });
  }
  if (problems.length > 0) return { problems };
  return { suite: { flow: value.flow as string | undefined, tests, settleMs: (defaults.settleMs as number | undefined) ?? DEFAULT_SETTLE_MS }, problems };
}

type Report = (code: string, message: string, path: FieldPath) => void;

function parseStep(raw: Raw, path: FieldPath, index: number, defaults: { timeoutMs: number; quietMs: number }, problem: Report, locate: Locator): Step | undefined {
  const actions = ACTIONS.filter((a) => a in raw);
  if (actions.length !== 1) {
    const message =
      actions.length === 0
        ? `A step needs an action: one of ${ACTIONS.join(', ')}.`
        : `A step has one action, this one has ${actions.length} (${actions.join(', ')}); split it into ${actions.length} steps.`;
    problem(C.STEP_ACTION, message, actions.length === 0 ? path : [...path, actions[1] as string]);
    return undefined;
  }
  const kind = actions[0] as StepKind;
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (key !== kind && !OPTIONS[kind].includes(key)) {
      problem(C.STEP_OPTION, `'${key}' does not belong to a '${kind}' step${OPTIONS[kind].length ? ` (it takes ${OPTIONS[kind].join(', ')})` : ''}.`, [...path, key]);
      ok = false;
    }
  }
  const pos = locate(path);
  const base = { index, line: pos?.line, col: pos?.col };
  const timeoutMs = (raw.timeoutMs as number | undefined) ?? defaults.timeoutMs;
  const target = raw[kind];
  const clients = typeof target === 'string' ? [target] : (target as string[]);
  switch (kind) {
    case 'connect':
      return ok ? { ...base, kind, client: target as string, protocol: raw.protocol as string | undefined, timeoutMs } : undefined;
    case 'send': {
      const payload = parsePayload(raw, path, problem);
      return ok && payload ? { ...base, kind, client: target as string, payload } : undefined;
    }
    case 'expect': {
      const matcher = parseMatcher(raw, path, problem, `an 'expect' step`);
      return ok && matcher ? { ...base, kind, clients, matcher, timeoutMs } : undefined;
    }
    case 'expectAnyOrder': {
      if (!Array.isArray(raw.messages)) {
        problem(C.MATCHER, `An 'expectAnyOrder' step lists the messages it expects under 'messages'.`, path);
        return undefined;
      }
      const matchers = (raw.messages as Raw[]).map((m, i) => parseMatcher(m, [...path, 'messages', i], problem, 'each entry of messages'));
      return ok && matchers.every((m) => m) ? { ...base, kind, clients, matchers: matchers as Matcher[], timeoutMs } : undefined;
    }
    case 'expectNone':
      return ok ? { ...base, kind, clients, forMs: (raw.forMs as number | undefined) ?? defaults.quietMs } : undefined;
    case 'expectClose':
      return ok ? { ...base, kind, clients, code: raw.code as number | undefined, reason: raw.reason as string | undefined, timeoutMs } : undefined;
    case 'expectRefused':
      if (typeof raw.body === 'string' && !checkRegex(raw.body, [...path, 'body'], problem)) return undefined;
      return ok ? { ...base, kind, client: target as string, status: raw.status as number | undefined, body: raw.body as string | undefined, timeoutMs } : undefined;
    case 'close':
      return ok ? { ...base, kind, client: target as string, code: (raw.code as number | undefined) ?? 1000, reason: (raw.reason as string | undefined) ?? '', timeoutMs } : undefined;
    case 'wait':
      return ok ? { ...base, kind, ms: target as number } : undefined;
  }
}

function parsePayload(raw: Raw, path: FieldPath, problem: Report): Payload | undefined {
  const keys = (['text', 'json', 'binary'] as const).filter((k) => k in raw);
  if (keys.length !== 1) {
    problem(C.PAYLOAD, keys.length === 0 ? `A 'send' step needs what to send: text, json or binary (base64).` : `A 'send' step sends one message; it has ${keys.join(' and ')}.`, keys.length === 0 ? path : [...path, keys[1] as string]);
    return undefined;
  }
  const key = keys[0];
  if (key === 'text') return { kind: 'text', text: raw.text as string };
  if (key === 'json') return { kind: 'json', value: raw.json as Json };
  return checkBase64(raw.binary as string, [...path, 'binary'], problem) ? { kind: 'binary', base64: raw.binary as string } : undefined;
}

function parseMatcher(raw: Raw, path: FieldPath, problem: Report, what: string): Matcher | undefined {
  const keys = MATCHER_KEYS.filter((k) => k in raw);
  if (keys.length !== 1) {
    const message =
      keys.length === 0
        ? `${capitalise(what)} needs what to expect: text (exact), match (a regular expression), json (a subset) or binary (base64).`
        : `${capitalise(what)} compares one way; it has ${keys.join(' and ')}. Keep one.`;
    problem(C.MATCHER, message, keys.length === 0 ? path : [...path, keys[1] as string]);
    return undefined;
  }
  switch (keys[0]) {
    case 'text':
      return { kind: 'text', text: raw.text as string };
    case 'match':
      return checkRegex(raw.match as string, [...path, 'match'], problem) ? { kind: 'regex', pattern: raw.match as string } : undefined;
    case 'json':
      return { kind: 'json', subset: raw.json as Json };
    default:
      return checkBase64(raw.binary as string, [...path, 'binary'], problem) ? { kind: 'binary', base64: raw.binary as string } : undefined;
  }
}

/**
 * Clients must be declared, opened by `connect` (or tried by `expectRefused`) before they send or
 * expect, and not opened twice; a client closed by a step may connect again.
 */
function checkClients(step: Step, path: FieldPath, clients: Record<string, ClientSpec>, state: Map<string, 'open' | 'closed' | 'refused'>, problem: Report): void {
  const names = 'clients' in step ? step.clients : 'client' in step ? [step.client] : [];
  const where: FieldPath = [...path, step.kind];
  for (const name of names) {
    if (!(name in clients)) {
      const known = Object.keys(clients);
      problem(C.CLIENT_UNKNOWN, `Client '${name}' is not declared under this test's clients${known.length ? ` (declared: ${known.join(', ')})` : ''}.`, where);
      continue;
    }
    const now = state.get(name);
    if (step.kind === 'connect' || step.kind === 'expectRefused') {
      if (now === 'open') problem(C.CLIENT_STATE, `Client '${name}' is already connected; close it first or declare another client.`, where);
      else state.set(name, step.kind === 'connect' ? 'open' : 'refused');
    } else if (step.kind !== 'expectNone' && now !== 'open' && !(step.kind === 'expect' && now === 'closed')) {
      const why = now === undefined ? `has not connected yet; add '- connect: ${name}' before this step` : now === 'refused' ? 'was refused, so it has no connection' : 'is already closed';
      problem(C.CLIENT_STATE, `Client '${name}' ${why}.`, where);
    } else if (step.kind === 'close' || step.kind === 'expectClose') {
      state.set(name, 'closed');
    }
  }
}

function checkRegex(pattern: string, path: FieldPath, problem: Report): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch (error) {
    problem(C.REGEX, `Not a valid regular expression: ${error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error)}.`, path);
    return false;
  }
}

function checkBase64(text: string, path: FieldPath, problem: Report): boolean {
  if (BASE64.test(text.replace(/\s+/g, ''))) return true;
  problem(C.BINARY, `'binary' holds base64 (e.g. AAEC/w== for the bytes 00 01 02 ff), and this is not base64.`, path);
  return false;
}

function substituteEnv(text: string, env: Record<string, string | undefined>, missing: (name: string) => void): string {
  return replaceEnvRefs(text, (name) => {
    const value = env[name];
    if (value === undefined) {
      missing(name);
      return '';
    }
    return value;
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
