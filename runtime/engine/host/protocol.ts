/**
 * Messages between the engine's main thread and the handler-host worker.
 *
 * Hot-path traffic is a flat array per event-loop turn, `[seq, op, arg, arg, op, arg, ...]`, with
 * a fixed arity per op: structured clone of a flat array of primitives is the cheapest thing
 * postMessage can carry, and one postMessage per turn amortizes the thread hop over every event
 * that arrived in that turn. Control messages (init, reload, config) are plain objects.
 */
import type { ChainMap, DebugCommand, SnippetFailure, TraceEvent } from '../contracts.ts';

// The engine's shared vocabulary, re-exported so the worker side depends on this file alone.
export type { ChainMap, ChainStep, ConnectorCall, DebugCommand, DebugEvent, DebugPause, EngineEvent, HttpCallSpec, LogEntry, SnippetFailure, TraceEvent } from '../contracts.ts';

// ---- main -> worker batch ops (arity in the comment; the readers, host/worker.ts and batch-dispatch.ts, step by it) ----
/** connNum, text */
export const EV_TEXT = 1;
/** connNum, bytes (Uint8Array) */
export const EV_BINARY = 2;
/** connNum, ConnInfo (runs onOpen) */
export const EV_OPEN = 3;
/** connNum, code, reason (runs onClose, then forgets the connection) */
export const EV_CLOSE = 4;
/** connNum, message (socket error: runs onError) */
export const EV_SOCKERR = 5;
/** reqId, upgraderIdx, UpgradeInfo */
export const EV_UPGRADE = 6;
/** reqId, ok, value (reply to a state / count request) */
export const EV_REPLY = 7;
/** connNum, ConnInfo (mirror only, no handler: a respawned worker learns its connections) */
export const EV_RESTORE = 8;

/** connNum (a connection another host owns has closed: drop its mirror) */
export const EV_FORGET = 9;
/** connNum, attributes as JSON text (another host changed a connection's attributes) */
export const EV_ATTRS = 10;

// ---- worker -> main batch ops (arity in the comment) ----
/** connNum, data (string = text, Uint8Array = binary) */
export const ACT_SEND = 1;
/** serviceIdx, data, except (string[] | null) */
export const ACT_BROADCAST = 2;
/** serviceIdx, ids (string[]), data */
export const ACT_SENDTO = 3;
/** connNum, code, reason */
export const ACT_CLOSE = 4;
/** connNum: one event of this connection finished (all its handlers settled) */
export const ACT_DONE = 5;
/** reqId, UpgradeResult */
export const ACT_UPGRADE_RESULT = 6;
/** reqId, serviceIdx, op, key, arg */
export const ACT_STATE = 7;
/** reqId, serviceIdx */
export const ACT_COUNT = 8;
/** connNum, attributes as JSON text */
export const ACT_ATTRS = 9;
/** InvokeRecord */
export const ACT_TRACE = 10;
/** StatsDelta */
export const ACT_STATS = 11;
/** EngineNote (worker-level problems: load failures, uncaught errors in timers) */
export const ACT_NOTE = 12;

/** reqId, serviceIdx, connNum (0 = none), ConnectorCall (ctx.http, ctx.mqtt(url)..., answered by EV_REPLY) */
export const ACT_CONNECTOR = 13;

/** connNum, data: ACT_SEND then ACT_DONE of the same connection (the usual end of a reply), in one op */
export const ACT_SEND_DONE = 14;

/** reqId, serviceIdx, connNum (0 = none), ChannelCall (ctx.channel, conn.subscribe; answered by EV_REPLY) */
export const ACT_CHANNEL = 15;

/** DebugEvent (a connection paused at a breakpoint, or resumed: debug.ts) */
export const ACT_DEBUG = 16;

/** A channel operation of a snippet (docs/channels.md); the name is already filled in. Data travels as JSON text. */
export type ChannelCall =
  | { op: 'publish'; channel: string; json: string }
  | { op: 'subscribe'; channel: string; since?: number; member?: string }
  | { op: 'unsubscribe'; channel: string }
  | { op: 'members'; channel: string };

// ---- shared blame slots (Int32Array over a SharedArrayBuffer written by the worker) ----
/** 0 = idle, 1 = connection handler, 2 = upgrade snippet, 3 = loading a snippet module, 4 = a timer of unknown origin */
export const SLOT_KIND = 0;
/** connNum or reqId of the running invocation */
export const SLOT_ID = 1;
/** node index of the running invocation */
export const SLOT_NODE = 2;
/** incremented whenever the worker makes progress (an invocation ends, a turn is flushed) */
export const SLOT_PROGRESS = 3;
/** number of entries in the pending table below */
export const SLOT_PENDING_COUNT = 4;
/** number of entries in the resumed table (pending invocations woken by the batch being processed) */
export const SLOT_RESUMED_COUNT = 5;
/** microseconds spent in snippet timer callbacks, ever (wraps; the watchdog reads differences) */
export const SLOT_TIMER_US = 6;
/** kind, id, node of the owner of the last long timer callback (the one to blame for a timer hog) */
export const SLOT_HOG_KIND = 7;
export const SLOT_HOG_ID = 8;
export const SLOT_HOG_NODE = 9;
export const PENDING_BASE = 12;
export const MAX_PENDING = 256;
export const RESUMED_BASE = PENDING_BASE + 3 * MAX_PENDING;
export const MAX_RESUMED = 64;
export const SLOTS_LENGTH = RESUMED_BASE + 3 * MAX_RESUMED;

export type StateOp = 'get' | 'set' | 'delete' | 'incr' | 'keys';

/**
 * What the worker knows about one connection (mirror). The parts most connections never have
 * read (params, query, headers, auth) travel and stay as one JSON text, parsed on first read:
 * an idle connection then costs each thread one string instead of three object graphs.
 */
export interface ConnInfo {
  id: string;
  serviceIdx: number;
  path: string;
  protocol: string;
  remoteAddress: string;
  /** attributes as JSON text */
  attrs: string;
  /** ConnDetails as JSON text */
  details: string;
}

export interface ConnDetails {
  params: Record<string, string>;
  query: Record<string, string | number | boolean | undefined>;
  headers: Record<string, string>;
  /** who the upgrader's `auth` said the client is (absent without auth) */
  auth?: ConnAuthInfo;
}

/** `conn.auth`: the result of the upgrader's credential check. */
export interface ConnAuthInfo {
  type: 'jwt' | 'apiKey';
  subject?: string;
  claims?: Record<string, unknown>;
}

export interface UpgradeInfo {
  path: string;
  params: Record<string, string>;
  query: Record<string, string | number | boolean | undefined>;
  headers: Record<string, string>;
  remoteAddress: string;
  protocols: string[];
  auth?: ConnAuthInfo;
}

export type UpgradeResult =
  | { ok: true; decision: unknown }
  | { ok: false; error: SnippetFailure };

export interface HostService {
  id: string;
  /** node id per handler event (absent = no handler) */
  handlers: Partial<Record<'onOpen' | 'onText' | 'onBinary' | 'onClose' | 'onError', string>>;
}

export interface HostUpgrader {
  id: string;
  serviceIdx: number;
  /** node id of the upgrade snippet, when there is one */
  snippet?: string;
}

export interface HostSnippet {
  js: string;
  map: string;
  /** a chain's generated code: where its nodes and fields are (failures are reported on them) */
  chain?: ChainMap;
  /** a chain's debugging variant, loaded only while breakpoints are set (debug.ts) */
  debug?: HostSnippet;
}

/** Everything that can change on hot reload. */
export interface HostProgram {
  services: HostService[];
  upgraders: HostUpgrader[];
  snippets: Record<string, HostSnippet>;
  /** node ids in index order (SLOT_NODE and InvokeRecord refer to these indices) */
  nodeIds: string[];
}

export interface HostInit {
  type: 'init';
  program: HostProgram;
  slots: SharedArrayBuffer;
  tracing: boolean;
  /** record the steps of chain invocations (a subscriber asked for them) */
  steps: boolean;
  /** ship per-node statistics (StatsDelta) even without a trace subscriber */
  metrics: boolean;
  sampleRate: number;
  /** how long an event may wait for its handler's promise (ms) */
  settleMs: number;
}

export type HostControl =
  | HostInit
  | { type: 'reload'; program: HostProgram }
  | { type: 'config'; tracing: boolean; steps: boolean; sampleRate: number }
  /** the designer's breakpoints (node ids); none = nobody debugs, every paused connection goes on */
  | { type: 'breakpoints'; nodeIds: string[] }
  | { type: 'debug'; command: DebugCommand };

/** One invocation worth reporting (sampled, failed, or with logs): an `invoke` trace event without its kind. */
export type InvokeRecord = Omit<Extract<TraceEvent, { kind: 'invoke' }>, 'kind'>;

export interface StatsDelta {
  perNode: Record<string, NodeStats>;
  sampledOut: number;
}

/**
 * Handler-duration buckets of `NodeStats.buckets`: upper bounds in milliseconds, plus one slot
 * above the last. Snippets usually take microseconds, so the scale starts at 0.1 ms. The main
 * thread turns them into `wsflow_handler_duration_seconds` and the designer's p50/p99.
 */
export const BUCKET_BOUNDS_MS: readonly number[] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
export const BUCKET_SLOTS = BUCKET_BOUNDS_MS.length + 1;

/** Invocations of one node in a window; `buckets` counts them per duration bucket (metrics/buckets.ts). */
export type NodeStats = { count: number; errors: number; totalMs: number; maxMs: number; buckets?: number[] };

export interface EngineNote {
  level: 'info' | 'warn' | 'error';
  code: string;
  message: string;
  nodeId?: string;
  line?: number;
}
