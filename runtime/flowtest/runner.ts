/**
 * Runs flow tests over real WebSocket clients against a running service (the engine started by
 * `wsflow test`, the studio's live run, or a deployment given with --url). Tests run one after the
 * other against the same service, as they would against a deployment; each test's clients are
 * closed (gracefully, bounded) before the next test starts. A test stops at its first failing step.
 */
import { TestConnection } from './client.ts';
import { describeMatcher, describeReceived, matchMessage, quote, unmatchedInAnyOrder, type Received } from './match.ts';
import type { FlowTest, Step, StepResult, TestFailure, TestResult, TestSuite } from './types.ts';

export type { StepResult, StepStatus, TestFailure, TestResult } from './types.ts';

/** A service the tests run against: `ws://host:port`, optionally with a path prefix. */
export interface TestTarget {
  url: string;
  /** Stops a service started for one test (absent for a shared or deployed service). */
  stop?: () => Promise<void>;
}

export interface RunOptions {
  /**
   * A running service all tests share (`--url`), or a function that starts a fresh one for each
   * test, so that no state or connection of one test leaks into the next.
   */
  target: string | (() => Promise<TestTarget>);
  grep?: RegExp;
  onTestStart?: (test: FlowTest) => void;
  onTestDone?: (result: TestResult) => void;
}

export interface SuiteResult {
  tests: TestResult[];
  durationMs: number;
}

export function selectTests(suite: TestSuite, grep?: RegExp): FlowTest[] {
  return grep ? suite.tests.filter((t) => grep.test(t.name)) : suite.tests;
}

export async function runSuite(suite: TestSuite, options: RunOptions): Promise<SuiteResult> {
  const started = Date.now();
  const tests: TestResult[] = [];
  for (const [i, test] of selectTests(suite, options.grep).entries()) {
    // A shared service handles the previous test's closes asynchronously (a leave notice may go
    // out after the next client connects): give it `settleMs` first. Fresh services need no pause.
    if (i > 0 && typeof options.target === 'string' && suite.settleMs > 0) await new Promise((resolve) => setTimeout(resolve, suite.settleMs));
    options.onTestStart?.(test);
    const target = typeof options.target === 'string' ? { url: options.target } : await options.target();
    let result: TestResult;
    try {
      result = await runTest(test, target.url);
    } finally {
      await target.stop?.();
    }
    tests.push(result);
    options.onTestDone?.(result);
  }
  return { tests, durationMs: Date.now() - started };
}

export function stepLabel(step: Step): string {
  if (step.kind === 'wait') return `wait ${step.ms} ms`;
  const who = 'clients' in step ? step.clients.join(', ') : step.client;
  return `${step.kind} ${who}`;
}

/** Thrown inside a test to stop it at a failing step. */
class StepFailed extends Error {
  constructor(
    message: string,
    readonly detail: { expected?: string; received?: string; client?: string; error?: boolean } = {},
  ) {
    super(message);
  }
}

export async function runTest(test: FlowTest, baseUrl: string): Promise<TestResult> {
  const started = Date.now();
  const connections = new Map<string, TestConnection>();
  const steps: StepResult[] = test.steps.map((s) => ({ index: s.index, label: stepLabel(s), status: 'skipped', line: s.line, col: s.col }));
  let failure: TestFailure | undefined;
  let current: Step | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), test.timeoutMs);
  });
  const body = async () => {
    for (const step of test.steps) {
      current = step;
      await runStep(step, test, baseUrl, connections);
      const result = steps[step.index - 1];
      if (result) result.status = 'passed';
    }
    current = undefined;
  };
  try {
    const outcome = await Promise.race([body().then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout') throw new StepFailed(`the test did not finish within its ${test.timeoutMs} ms (timeoutMs)`, { error: true });
  } catch (error) {
    const step = current;
    const detail = error instanceof StepFailed ? error.detail : { error: true };
    const client = detail.client ?? (step && 'client' in step ? step.client : step && 'clients' in step ? step.clients[0] : undefined);
    failure = {
      step: step?.index ?? 0,
      label: step ? stepLabel(step) : 'test',
      message: error instanceof Error ? error.message : String(error),
      expected: detail.expected,
      received: detail.received,
      client,
      trace: client ? [...(connections.get(client)?.trace ?? [])] : [],
      line: step?.line,
      col: step?.col,
      error: detail.error === true,
    };
    const result = step ? steps[step.index - 1] : undefined;
    if (result) result.status = 'failed';
  } finally {
    clearTimeout(timer);
    await Promise.all([...connections.values()].map((c) => c.close(1000, '', 1_000).catch(() => c.terminate())));
  }
  return { name: test.name, status: failure ? 'failed' : 'passed', durationMs: Date.now() - started, steps, failure };
}

async function runStep(step: Step, test: FlowTest, baseUrl: string, connections: Map<string, TestConnection>): Promise<void> {
  const connection = (name: string): TestConnection => {
    const c = connections.get(name);
    if (!c) throw new StepFailed(`client '${name}' has no connection`, { client: name });
    return c;
  };
  switch (step.kind) {
    case 'connect': {
      const spec = test.clients[step.client];
      if (!spec) throw new StepFailed(`client '${step.client}' is not declared`);
      const opened = await TestConnection.open(step.client, baseUrl, spec, step.timeoutMs);
      if (opened.kind === 'refused') {
        throw new StepFailed('the upgrade was refused', { expected: 'an open connection', received: `HTTP ${opened.status}${opened.body ? ` ${quote(opened.body.trim())}` : ''}` });
      }
      if (opened.kind === 'error') throw new StepFailed(opened.message, { expected: 'an open connection', error: true });
      connections.set(step.client, opened.client);
      if (step.protocol !== undefined && opened.client.protocol !== step.protocol) {
        throw new StepFailed('the service picked another subprotocol', { expected: `subprotocol ${quote(step.protocol)}`, received: opened.client.protocol ? `subprotocol ${quote(opened.client.protocol)}` : 'no subprotocol' });
      }
      return;
    }
    case 'send':
      try {
        connection(step.client).send(step.payload);
      } catch (error) {
        throw new StepFailed(`cannot send: ${error instanceof Error ? error.message : String(error)}`);
      }
      return;
    case 'expect':
      for (const name of step.clients) {
        const next = await connection(name).next(step.timeoutMs);
        const expected = describeMatcher(step.matcher);
        if (next.kind !== 'message') throw new StepFailed(nothingMessage(next, step.timeoutMs), { expected, received: nothingReceived(next), client: name });
        const match = matchMessage(step.matcher, next.message);
        if (!match.ok) throw new StepFailed(`the message does not match: ${match.why}`, { expected, received: describeReceived(next.message), client: name });
      }
      return;
    case 'expectAnyOrder':
      for (const name of step.clients) {
        const received: Received[] = [];
        const expected = step.matchers.map(describeMatcher).join('; ');
        for (let i = 0; i < step.matchers.length; i++) {
          const next = await connection(name).next(step.timeoutMs);
          if (next.kind !== 'message') {
            throw new StepFailed(`${nothingMessage(next, step.timeoutMs)} (${received.length} of ${step.matchers.length} arrived)`, { expected, received: received.map(describeReceived).join('; ') || nothingReceived(next), client: name });
          }
          received.push(next.message);
        }
        const missing = unmatchedInAnyOrder(step.matchers, received);
        if (missing.length > 0) {
          throw new StepFailed(`no message matched ${missing.map((m) => describeMatcher(step.matchers[m] as (typeof step.matchers)[number])).join('; ')}`, { expected, received: received.map(describeReceived).join('; '), client: name });
        }
      }
      return;
    case 'expectNone': {
      const heard = await Promise.all(step.clients.map(async (name) => [name, connections.get(name) ? await connection(name).quiet(step.forMs) : []] as const));
      for (const [name, messages] of heard) {
        if (messages.length > 0) throw new StepFailed(`${messages.length} message(s) arrived within ${step.forMs} ms`, { expected: `no message for ${step.forMs} ms`, received: messages.map(describeReceived).join('; '), client: name });
      }
      return;
    }
    case 'expectClose':
      for (const name of step.clients) {
        const expected = `close${step.code !== undefined ? ` ${step.code}` : ''}${step.reason !== undefined ? ` ${quote(step.reason)}` : ''}`;
        const next = await connection(name).waitClosed(step.timeoutMs);
        if (next.kind === 'message') throw new StepFailed('a message arrived instead of the close', { expected, received: describeReceived(next.message), client: name });
        if (next.kind === 'timeout') throw new StepFailed(`the connection was not closed within ${step.timeoutMs} ms`, { expected, received: 'the connection is still open', client: name });
        const { code, reason } = next.closed;
        if ((step.code !== undefined && code !== step.code) || (step.reason !== undefined && reason !== step.reason)) {
          throw new StepFailed('closed differently', { expected, received: `close ${code}${reason ? ` ${quote(reason)}` : ''}`, client: name });
        }
      }
      return;
    case 'expectRefused': {
      const spec = test.clients[step.client];
      if (!spec) throw new StepFailed(`client '${step.client}' is not declared`);
      const expected = `the upgrade refused${step.status !== undefined ? ` with HTTP ${step.status}` : ''}${step.body !== undefined ? `, body matching /${step.body}/` : ''}`;
      const opened = await TestConnection.open(step.client, baseUrl, spec, step.timeoutMs);
      if (opened.kind === 'open') {
        connections.set(step.client, opened.client);
        throw new StepFailed('the upgrade was accepted', { expected, received: 'an open connection' });
      }
      if (opened.kind === 'error') throw new StepFailed(opened.message, { expected, received: 'no HTTP answer', error: true });
      if ((step.status !== undefined && opened.status !== step.status) || (step.body !== undefined && !new RegExp(step.body, 'u').test(opened.body))) {
        throw new StepFailed('refused differently', { expected, received: `HTTP ${opened.status}${opened.body ? ` ${quote(opened.body.trim())}` : ''}` });
      }
      return;
    }
    case 'close': {
      const closed = await connection(step.client).close(step.code, step.reason, step.timeoutMs);
      if (!closed) throw new StepFailed(`the service did not complete the close handshake within ${step.timeoutMs} ms`);
      return;
    }
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, step.ms));
      return;
  }
}

function nothingMessage(next: { kind: 'closed' | 'timeout' }, timeoutMs: number): string {
  return next.kind === 'closed' ? 'the connection closed before a message arrived' : `no message within ${timeoutMs} ms`;
}

function nothingReceived(next: { kind: 'closed'; closed: { code: number; reason: string } } | { kind: 'timeout' }): string {
  return next.kind === 'closed' ? `close ${next.closed.code}${next.closed.reason ? ` ${quote(next.closed.reason)}` : ''}` : 'nothing';
}
