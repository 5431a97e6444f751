/**
 * State shared by the modules of the handler-host worker (one thread, so plain module state).
 * Fields that other modules reassign live on `H`.
 */
import type { EngineEvent, LogEntry } from './protocol.ts';
import * as P from './protocol.ts';
import type { LoadedSnippet } from './snippets.ts';
import type { StepLog } from './chain.ts';

export interface Stat {
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  /** invocations per duration bucket (metrics/buckets.ts) */
  buckets: number[];
}

export interface NodeRt {
  idx: number;
  id: string;
  event: EngineEvent;
  snippet: LoadedSnippet;
  ctx: object;
  stat: Stat;
  /** most recent invocation of this node still awaiting something (gets its late logs) */
  lastPending: Inv | null;
  /** a chain's debugging variant, loaded when the first breakpoint is set (debug.ts) */
  debug?: LoadedSnippet;
}

export interface Inv {
  node: NodeRt;
  kind: number;
  id: number;
  connId: string;
  t0: number;
  logs: LogEntry[] | null;
  /** index in the pending table, -1 when not pending */
  pIdx: number;
  /** the chain steps it ran, while a subscriber asks for them */
  steps: StepLog | null;
}

export const H = {
  /** blame slots shared with the main thread (replaced by the one `init` brings) */
  slots: new Int32Array(new SharedArrayBuffer(P.SLOTS_LENGTH * 4)),
  tracing: false,
  /** a trace subscriber asked for chain steps */
  steps: false,
  /** the designer has breakpoints: chains run their debugging variant (debug.ts) */
  debug: false,
  /** per-node statistics go to the main thread also without a trace subscriber (for /metrics) */
  metrics: false,
  sampleRate: 200,
  sampledOut: 0,
  /** the invocation whose synchronous part is running */
  current: null as Inv | null,
  /** the pending invocation whose awaited reply was delivered last (owner of its next requests) */
  resumedHint: null as Inv | null,
  nodes: new Map<string, NodeRt>(),
  /** per-node counters since the last stats message, kept across reloads */
  stats: new Map<string, Stat>(),
};

/** The counters of `nodeId` (a handler, or an action node a chain failed in), made on first use. */
export function statOf(nodeId: string): Stat {
  let stat = H.stats.get(nodeId);
  if (!stat) H.stats.set(nodeId, (stat = { count: 0, errors: 0, totalMs: 0, maxMs: 0, buckets: new Array<number>(P.BUCKET_SLOTS).fill(0) }));
  return stat;
}
