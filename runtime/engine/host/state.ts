/**
 * State shared by the modules of the handler-host worker (one thread, so plain module state).
 * Fields that other modules reassign live on `H`.
 */
import type { EngineEvent, LogEntry } from './protocol.ts';
import * as P from './protocol.ts';
import type { LoadedSnippet } from './snippets.ts';

export interface Stat {
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
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
}

export const H = {
  /** blame slots shared with the main thread (replaced by the one `init` brings) */
  slots: new Int32Array(new SharedArrayBuffer(P.SLOTS_LENGTH * 4)),
  tracing: false,
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
