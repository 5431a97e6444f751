/**
 * Flow tests (`NAME.wsflow.test.yaml`, docs/flow-tests.md): the checked, normalised form the
 * runner executes, its results, and recorded sessions. Types only: the studio protocol (and so the
 * designer) shares this file. The YAML a user writes is described by wsflow-test.schema.json; parse.ts turns
 * it into these types, each step keeping its place in the file for reports.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One WebSocket client of a test; opened by a `connect` (or `expectRefused`) step. */
export interface ClientSpec {
  /** Upgrade path, e.g. `/chat/alice`; `/` when absent. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  subprotocols: string[];
  /** A credential, sent as `Authorization: Bearer T` (or `?access_token=T`, or in the subprotocol list). */
  token?: string;
  tokenIn: 'header' | 'query' | 'subprotocol';
}

export type Payload = { kind: 'text'; text: string } | { kind: 'json'; value: Json } | { kind: 'binary'; base64: string };

/** How a received message is compared with what a step expects. */
export type Matcher =
  | { kind: 'text'; text: string }
  | { kind: 'regex'; pattern: string }
  | { kind: 'json'; subset: Json }
  | { kind: 'binary'; base64: string };

interface StepBase {
  /** 1-based position in the test's `steps`, for reports ("step 3"). */
  index: number;
  line?: number;
  col?: number;
}

export type Step = StepBase &
  (
    | { kind: 'connect'; client: string; protocol?: string; timeoutMs: number }
    | { kind: 'send'; client: string; payload: Payload }
    | { kind: 'expect'; clients: string[]; matcher: Matcher; timeoutMs: number }
    | { kind: 'expectAnyOrder'; clients: string[]; matchers: Matcher[]; timeoutMs: number }
    | { kind: 'expectNone'; clients: string[]; forMs: number }
    | { kind: 'expectClose'; clients: string[]; code?: number; reason?: string; timeoutMs: number }
    | { kind: 'expectRefused'; client: string; status?: number; body?: string; timeoutMs: number }
    | { kind: 'close'; client: string; code: number; reason: string; timeoutMs: number }
    | { kind: 'wait'; ms: number }
  );

export type StepKind = Step['kind'];

export interface FlowTest {
  name: string;
  clients: Record<string, ClientSpec>;
  steps: Step[];
  /** Bound on the whole test, steps and clean-up included. */
  timeoutMs: number;
  line?: number;
  col?: number;
}

export interface TestSuite {
  /** The flow under test, relative to the test file, when the file names it. */
  flow?: string;
  tests: FlowTest[];
  /** Pause between tests against a shared service (--url), ms. */
  settleMs: number;
}

// ----- Results of a run (shared with the studio protocol, so the designer shows them) ---------

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  index: number;
  /** `expect alice`, `send bob`, ... */
  label: string;
  status: StepStatus;
  line?: number;
  col?: number;
}

export interface TestFailure {
  /** 1-based step index; 0 when the test failed outside a step (its time bound). */
  step: number;
  label: string;
  message: string;
  expected?: string;
  received?: string;
  /** The client whose connection the failure is about, and that connection's trace. */
  client?: string;
  trace: string[];
  line?: number;
  col?: number;
  /** A broken test run (the service is unreachable, the test's time ran out) rather than a wrong answer. */
  error: boolean;
}

export interface TestResult {
  name: string;
  status: 'passed' | 'failed';
  durationMs: number;
  steps: StepResult[];
  failure?: TestFailure;
}

// ----- A session recorded in the designer's test clients (runtime/flowtest/record.ts) ---------

export type ExpectMode = 'exact' | 'regex' | 'json';

export interface RecordedClient {
  name: string;
  path: string;
  query: Record<string, string>;
}

export type RecordedStep =
  | { kind: 'connect'; client: string }
  | { kind: 'refused'; client: string; status?: number }
  | { kind: 'send'; client: string; data: string; binary?: boolean }
  /** `mode` absent: the recorder's suggestion (suggestMode). */
  | { kind: 'receive'; client: string; data: string; binary?: boolean; mode?: ExpectMode }
  | { kind: 'close'; client: string; code: number; reason: string };

export interface RecordedTest {
  name: string;
  clients: RecordedClient[];
  steps: RecordedStep[];
}

/** Short defaults, so a failing expectation fails fast; every wait is capped by MAX_WAIT_MS. */
export const DEFAULT_TIMEOUT_MS = 2_000;
export const DEFAULT_QUIET_MS = 300;
export const DEFAULT_TEST_TIMEOUT_MS = 30_000;
export const DEFAULT_SETTLE_MS = 200;
export const MAX_WAIT_MS = 60_000;
