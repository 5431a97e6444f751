/**
 * Flow tests (`NAME.wsflow.test.yaml`, docs/flow-tests.md): the checked, normalised form the
 * runner executes. The YAML a user writes is described by wsflow-test.schema.json; parse.ts turns
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

/** Short defaults, so a failing expectation fails fast; every wait is capped by MAX_WAIT_MS. */
export const DEFAULT_TIMEOUT_MS = 2_000;
export const DEFAULT_QUIET_MS = 300;
export const DEFAULT_TEST_TIMEOUT_MS = 30_000;
export const DEFAULT_SETTLE_MS = 200;
export const MAX_WAIT_MS = 60_000;
export const MAX_TEST_TIMEOUT_MS = 600_000;
