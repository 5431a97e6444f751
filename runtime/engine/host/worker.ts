/**
 * The handler-host worker: runs every snippet of a flow, one thread for the whole engine.
 *
 * The main thread owns the sockets; this thread owns the snippets. Events arrive in batches
 * (see protocol.ts), effects leave in batches, one postMessage per event-loop turn each way.
 * Events of one connection run in order (the next waits until the previous handler settled);
 * different connections interleave freely. What is running right now is written to a shared
 * Int32Array so that the main thread can blame the right node when this thread stops answering
 * and has to be terminated.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { EngineEvent, LogEntry, SnippetFailure } from '../contracts.ts';
import * as P from './protocol.ts';
import type { ConnInfo, HostControl, HostProgram, InvokeRecord, UpgradeInfo } from './protocol.ts';
import { loadSnippet, nodeOfStack, toFailure, describe } from './snippets.ts';
import type { LoadedSnippet } from './snippets.ts';
import { HostConnection, makeLogger, nodeContext, normalizeData, serviceBase } from './objects.ts';
import type { HostSink, ServiceRuntime } from './objects.ts';

if (!parentPort) throw new Error('the wsflow handler host must run in a worker thread');
const port = parentPort;

type Handlers = Partial<Record<'onOpen' | 'onText' | 'onBinary' | 'onClose' | 'onError', NodeRt>>;

interface Stat {
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
}

interface NodeRt {
  idx: number;
  id: string;
  event: EngineEvent;
  snippet: LoadedSnippet;
  ctx: object;
  stat: Stat;
  /** most recent invocation of this node still awaiting something (gets its late logs) */
  lastPending: Inv | null;
}

interface Inv {
  node: NodeRt;
  kind: number;
  id: number;
  connId: string;
  t0: number;
  logs: LogEntry[] | null;
  /** index in the pending table, -1 when not pending */
  pIdx: number;
}

interface SvcRt extends ServiceRuntime {
  handlers: Handlers;
}

interface Conn {
  num: number;
  hc: HostConnection;
  svc: SvcRt;
  queue: unknown[];
  qHead: number;
  busy: boolean;
}

const EVENT_OF: Record<string, EngineEvent> = { onOpen: 'open', onText: 'text', onBinary: 'binary', onClose: 'close', onError: 'error' };

let slots = new Int32Array(new SharedArrayBuffer(P.SLOTS_LENGTH * 4));
let tracing = false;
let sampleRate = 200;
let tokens = 0;
let lastRefill = 0;
let sampledOut = 0;

let services: SvcRt[] = [];
let upgraders: { serviceIdx: number; node?: NodeRt }[] = [];
const stats = new Map<string, Stat>();
const conns = new Map<number, Conn>();
const dirty = new Set<HostConnection>();
const pending: Inv[] = [];
const requests = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; owner: Inv | null }>();
let reqCounter = 0;
let current: Inv | null = null;
let resumedHint: Inv | null = null;

// ---------------------------------------------------------------------------------------------
// Outgoing batch: [ackSeq, op, args..., op, args...]; flushed once per turn.
const out: unknown[] = [0];
let lastSeq = 0;
let flushScheduled = false;
let lastStats = performance.now();

function scheduleFlush(): void {
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

function flush(): void {
  flushScheduled = false;
  for (const hc of dirty) {
    try {
      out.push(P.ACT_ATTRS, hc.num, hc.attributesJson());
    } catch (error) {
      note('warn', 'WSF_ATTRIBUTES_NOT_JSON', `attributes of connection ${hc.id} are not JSON-serializable: ${describe((error as Error).message)}`);
    }
  }
  dirty.clear();
  if (tracing) {
    const now = performance.now();
    if (now - lastStats >= 250) {
      lastStats = now;
      const perNode: P.StatsDelta['perNode'] = {};
      let any = sampledOut > 0;
      for (const [id, s] of stats) {
        if (s.count === 0) continue;
        perNode[id] = { count: s.count, errors: s.errors, totalMs: s.totalMs, maxMs: s.maxMs };
        s.count = s.errors = s.totalMs = s.maxMs = 0;
        any = true;
      }
      if (any) out.push(P.ACT_STATS, { perNode, sampledOut } satisfies P.StatsDelta);
      sampledOut = 0;
    }
  }
  out[0] = lastSeq;
  port.postMessage(out);
  out.length = 1;
  Atomics.add(slots, P.SLOT_PROGRESS, 1);
}

const sink: HostSink = {
  push2(op, a, b) {
    out.push(op, a, b);
    if (!flushScheduled) scheduleFlush();
  },
  push3(op, a, b, c) {
    out.push(op, a, b, c);
    if (!flushScheduled) scheduleFlush();
  },
  request(op, serviceIdx, a, b, c) {
    const reqId = ++reqCounter;
    if (op === P.ACT_STATE) out.push(op, reqId, serviceIdx, a, b, c);
    else out.push(op, reqId, serviceIdx);
    scheduleFlush();
    const owner = current ?? resumedHint;
    return new Promise((resolve, reject) => requests.set(reqId, { resolve, reject, owner }));
  },
  markDirty(conn) {
    dirty.add(conn);
    if (!flushScheduled) scheduleFlush();
  },
  log(nodeId, entry) {
    let inv = current && current.node.id === nodeId ? current : null;
    if (!inv && nodeId) inv = nodes.get(nodeId)?.lastPending ?? null;
    if (inv) {
      (inv.logs ??= []).push(entry);
      return;
    }
    // A log from a timer or a finished invocation: report it on its own.
    const node = nodeId ? nodes.get(nodeId) : undefined;
    record({ t: entry.t, nodeId: nodeId ?? '', connectionId: '', event: node?.event ?? 'error', durationMs: 0, logs: [entry] });
  },
};

function note(level: P.EngineNote['level'], code: string, message: string, nodeId?: string, line?: number): void {
  out.push(P.ACT_NOTE, { level, code, message, nodeId, line } satisfies P.EngineNote);
  scheduleFlush();
}

function record(rec: InvokeRecord): void {
  out.push(P.ACT_TRACE, rec);
  scheduleFlush();
}

// ---------------------------------------------------------------------------------------------
// Program (snippets + which node handles what); replaced on hot reload.
let nodes = new Map<string, NodeRt>();

function loadProgram(program: HostProgram): void {
  const next = new Map<string, NodeRt>();
  const base = new Map<string, object>();
  // Services are matched by id: their open connections stay with them across a reload.
  const previous = new Map(services.map((s) => [s.id, s]));
  const nextServices: SvcRt[] = program.services.map((s, idx) => {
    let svc = previous.get(s.id);
    previous.delete(s.id);
    if (svc) svc.idx = idx;
    else {
      svc = { idx, id: s.id, connections: [], base: {}, handlers: {} };
      svc.base = serviceBase(svc, sink);
    }
    base.set(s.id, svc.base);
    return svc;
  });
  // A removed service keeps serving the events of its last connections, but reaches nobody.
  for (const gone of previous.values()) gone.idx = -1;
  const make = (nodeId: string, svcBase: object, event: EngineEvent): NodeRt | undefined => {
    const source = program.snippets[nodeId];
    if (!source) return undefined;
    const logger = makeLogger(nodeId, sink);
    let stat = stats.get(nodeId);
    if (!stat) stats.set(nodeId, (stat = { count: 0, errors: 0, totalMs: 0, maxMs: 0 }));
    const idx = program.nodeIds.indexOf(nodeId);
    // Module code runs now: if it never finishes, the watchdog must know whose it is.
    slots[P.SLOT_ID] = 0;
    slots[P.SLOT_NODE] = idx;
    Atomics.store(slots, P.SLOT_KIND, 3);
    const snippet = loadSnippet(nodeId, source, logger);
    Atomics.store(slots, P.SLOT_KIND, 0);
    const node: NodeRt = {
      idx,
      id: nodeId,
      event,
      snippet,
      ctx: nodeContext(svcBase, nodeId, sink),
      stat,
      lastPending: null,
    };
    if (node.snippet.loadError) {
      const e = node.snippet.loadError;
      note('error', e.code, e.message, nodeId, e.line);
    }
    next.set(nodeId, node);
    return node;
  };
  program.services.forEach((s, idx) => {
    const svc = nextServices[idx] as SvcRt;
    const handlers: Handlers = {};
    for (const [event, nodeId] of Object.entries(s.handlers) as [keyof Handlers, string][]) {
      const node = make(nodeId, svc.base, EVENT_OF[event] ?? 'error');
      if (node) handlers[event] = node;
    }
    svc.handlers = handlers;
  });
  upgraders = program.upgraders.map((u) => ({
    serviceIdx: u.serviceIdx,
    node: u.snippet ? make(u.snippet, base.get(program.services[u.serviceIdx]?.id ?? '') ?? {}, 'upgrade') : undefined,
  }));
  services = nextServices;
  nodes = next;
}

// ---------------------------------------------------------------------------------------------
// Invocations: measured, located on failure, reported when sampled, failed or logging.

function writePending(i: number): void {
  if (i >= P.MAX_PENDING) return;
  const inv = pending[i] as Inv;
  const at = P.PENDING_BASE + 3 * i;
  slots[at] = inv.kind;
  slots[at + 1] = inv.id;
  slots[at + 2] = inv.node.idx;
}

function addPending(inv: Inv): void {
  inv.pIdx = pending.length;
  pending.push(inv);
  writePending(inv.pIdx);
  Atomics.store(slots, P.SLOT_PENDING_COUNT, Math.min(pending.length, P.MAX_PENDING));
  inv.node.lastPending = inv;
}

function removePending(inv: Inv): void {
  const last = pending.pop() as Inv;
  if (last !== inv) {
    pending[inv.pIdx] = last;
    last.pIdx = inv.pIdx;
    writePending(inv.pIdx);
  }
  inv.pIdx = -1;
  Atomics.store(slots, P.SLOT_PENDING_COUNT, Math.min(pending.length, P.MAX_PENDING));
  if (inv.node.lastPending === inv) inv.node.lastPending = null;
  if (resumedHint === inv) resumedHint = null;
}

function takeToken(now: number): boolean {
  if (tokens < 1) {
    tokens = Math.min(sampleRate, tokens + ((now - lastRefill) * sampleRate) / 1000);
    lastRefill = now;
    if (tokens < 1) return false;
  }
  tokens -= 1;
  return true;
}

function finish(inv: Inv, failure: SnippetFailure | null, event: EngineEvent): SnippetFailure | null {
  const now = performance.now();
  const ms = now - inv.t0;
  const stat = inv.node.stat;
  stat.count++;
  stat.totalMs += ms;
  if (ms > stat.maxMs) stat.maxMs = ms;
  if (failure) stat.errors++;
  if (failure || inv.logs || (tracing && takeToken(now))) {
    const rec: InvokeRecord = { t: Date.now(), nodeId: inv.node.id, connectionId: inv.connId, event, durationMs: ms, logs: inv.logs ?? [] };
    if (failure) rec.error = failure;
    record(rec);
  } else if (tracing) sampledOut++;
  slots[P.SLOT_PROGRESS]++;
  return failure;
}

type Outcome = SnippetFailure | null | Promise<SnippetFailure | null>;

const syncInv: Inv = { node: undefined as unknown as NodeRt, kind: 0, id: 0, connId: '', t0: 0, logs: null, pIdx: -1 };

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function invoke(
  node: NodeRt,
  kind: number,
  id: number,
  connId: string,
  argc: number,
  a0: unknown,
  a1: unknown,
  a2?: unknown,
  a3?: unknown,
  capture?: (value: unknown) => void,
): Outcome {
  const fn = node.snippet.fn;
  const event = node.event;
  // Invocations never nest, so the synchronous part reuses one record (no allocation per
  // message); an invocation that goes async gets its own copy below.
  const inv = syncInv;
  inv.node = node;
  inv.kind = kind;
  inv.id = id;
  inv.connId = connId;
  inv.logs = null;
  inv.pIdx = -1;
  inv.t0 = performance.now();
  if (!fn) return finish(inv, node.snippet.loadError ?? null, event);
  // Plain stores: only this thread writes the slots, and the main thread reads them only after
  // a whole budget without progress, long after any store became visible.
  slots[P.SLOT_ID] = id;
  slots[P.SLOT_NODE] = node.idx;
  slots[P.SLOT_KIND] = kind;
  current = inv;
  let result: unknown;
  try {
    result = argc === 2 ? fn(a0, a1) : argc === 3 ? fn(a0, a1, a2) : fn(a0, a1, a2, a3);
  } catch (error) {
    current = null;
    slots[P.SLOT_KIND] = 0;
    return finish(inv, toFailure(node.snippet, error, 'WSF_SNIPPET_THROW'), event);
  }
  current = null;
  slots[P.SLOT_KIND] = 0;
  if (!isThenable(result)) {
    capture?.(result);
    return finish(inv, null, event);
  }
  const later: Inv = { node, kind, id, connId, t0: inv.t0, logs: inv.logs, pIdx: -1 };
  addPending(later);
  return Promise.resolve(result).then(
    (value) => {
      removePending(later);
      capture?.(value);
      return finish(later, null, event);
    },
    (error: unknown) => {
      removePending(later);
      return finish(later, toFailure(node.snippet, error, 'WSF_SNIPPET_REJECTED'), event);
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Connection events, in order per connection.

function runOnError(c: Conn, failure: SnippetFailure): Promise<void> | undefined {
  const h = c.svc.handlers.onError;
  if (!h) return undefined;
  const error = Object.freeze({ code: failure.code, message: failure.message, nodeId: failure.nodeId, line: failure.line });
  const r = invoke(h, 1, c.num, c.hc.id, 3, c.hc, error, h.ctx);
  return r instanceof Promise ? r.then(() => undefined) : undefined;
}

function afterMain(c: Conn, outcome: Outcome): Promise<void> | undefined {
  if (outcome === null) return undefined;
  if (outcome instanceof Promise) return outcome.then((f) => (f ? runOnError(c, f) : undefined));
  return runOnError(c, outcome);
}

function startEvent(c: Conn, op: number, a: unknown, b: unknown): Promise<void> | undefined {
  const h = c.svc.handlers;
  switch (op) {
    case P.EV_TEXT: {
      const n = h.onText;
      return n ? afterMain(c, invoke(n, 1, c.num, c.hc.id, 3, c.hc, a, n.ctx)) : undefined;
    }
    case P.EV_BINARY: {
      const n = h.onBinary;
      return n ? afterMain(c, invoke(n, 1, c.num, c.hc.id, 3, c.hc, a, n.ctx)) : undefined;
    }
    case P.EV_OPEN: {
      const n = h.onOpen;
      return n ? afterMain(c, invoke(n, 1, c.num, c.hc.id, 2, c.hc, n.ctx)) : undefined;
    }
    case P.EV_CLOSE: {
      const n = h.onClose;
      return n ? afterMain(c, invoke(n, 1, c.num, c.hc.id, 4, c.hc, a, b, n.ctx)) : undefined;
    }
    case P.EV_SOCKERR: {
      const n = h.onError;
      if (!n) return undefined;
      const error = Object.freeze({ code: 'WSF_SOCKET_ERROR', message: String(a) });
      const r = invoke(n, 1, c.num, c.hc.id, 3, c.hc, error, n.ctx);
      return r instanceof Promise ? r.then(() => undefined) : undefined;
    }
    default:
      return undefined;
  }
}

function endEvent(c: Conn, op: number): void {
  out.push(P.ACT_DONE, c.num);
  if (!flushScheduled) scheduleFlush();
  if (op === P.EV_CLOSE) {
    conns.delete(c.num);
    dirty.delete(c.hc);
  }
}

function run(c: Conn, op: number, a: unknown, b: unknown): void {
  for (;;) {
    const p = startEvent(c, op, a, b);
    if (p) {
      c.busy = true;
      const finished = () => {
        c.busy = false;
        endEvent(c, op);
        next(c);
      };
      p.then(finished, finished);
      return;
    }
    endEvent(c, op);
    if (c.qHead >= c.queue.length) return;
    op = c.queue[c.qHead] as number;
    a = c.queue[c.qHead + 1];
    b = c.queue[c.qHead + 2];
    c.qHead += 3;
    if (c.qHead >= c.queue.length) {
      c.queue.length = 0;
      c.qHead = 0;
    }
  }
}

function next(c: Conn): void {
  if (c.qHead >= c.queue.length) return;
  const op = c.queue[c.qHead] as number;
  const a = c.queue[c.qHead + 1];
  const b = c.queue[c.qHead + 2];
  c.qHead += 3;
  if (c.qHead >= c.queue.length) {
    c.queue.length = 0;
    c.qHead = 0;
  }
  run(c, op, a, b);
}

function deliver(c: Conn, op: number, a: unknown, b: unknown): void {
  if (c.busy) c.queue.push(op, a, b);
  else run(c, op, a, b);
}

function addConnection(num: number, info: ConnInfo): Conn | undefined {
  const svc = services[info.serviceIdx];
  if (!svc) return undefined;
  const hc = new HostConnection(num, svc.id, info, sink);
  const c: Conn = { num, hc, svc, queue: [], qHead: 0, busy: false };
  conns.set(num, c);
  svc.connections.push(hc);
  return c;
}

function dropFromService(c: Conn): void {
  const list = c.svc.connections;
  const i = list.indexOf(c.hc);
  if (i >= 0) list.splice(i, 1);
}

// ---------------------------------------------------------------------------------------------
// Upgrade snippets.

function sanitizeDecision(value: unknown): unknown {
  if (value === undefined || value === null) return { accept: true };
  if (typeof value !== 'object') throw new TypeError('an upgrade snippet must return { accept: true, ... } or { accept: false, ... }');
  const d = value as Record<string, unknown>;
  if (d.accept === false) {
    return { accept: false, status: typeof d.status === 'number' ? d.status : undefined, reason: d.reason === undefined ? undefined : String(d.reason) };
  }
  if (d.accept !== true && d.accept !== undefined) throw new TypeError('`accept` must be true or false');
  const attrs = d.attributes === undefined ? undefined : JSON.stringify(d.attributes);
  return {
    accept: true,
    attrs,
    protocol: typeof d.protocol === 'string' ? d.protocol : undefined,
    firstMessage: d.firstMessage === undefined ? undefined : normalizeData(d.firstMessage),
  };
}

function runUpgrade(reqId: number, upgraderIdx: number, info: UpgradeInfo): void {
  const up = upgraders[upgraderIdx];
  const node = up?.node;
  if (!node) {
    out.push(P.ACT_UPGRADE_RESULT, reqId, { ok: true, decision: { accept: true } } satisfies P.UpgradeResult);
    return;
  }
  const req = Object.freeze({ ...info, protocols: Object.freeze(info.protocols) });
  let decision: unknown;
  let badDecision: SnippetFailure | null = null;
  const capture = (value: unknown) => {
    try {
      decision = sanitizeDecision(value);
    } catch (error) {
      badDecision = { code: 'WSF_UPGRADE_DECISION', nodeId: node.id, message: (error as Error).message };
    }
  };
  const reply = (failure: SnippetFailure | null) => {
    const fail = failure ?? badDecision;
    if (!failure && badDecision) record({ t: Date.now(), nodeId: node.id, connectionId: '', event: 'upgrade', durationMs: 0, logs: [], error: badDecision });
    out.push(P.ACT_UPGRADE_RESULT, reqId, (fail ? { ok: false, error: fail } : { ok: true, decision }) satisfies P.UpgradeResult);
    scheduleFlush();
  };
  const outcome = invoke(node, 2, reqId, '', 2, req, node.ctx, undefined, undefined, capture);
  if (outcome instanceof Promise) void outcome.then(reply);
  else reply(outcome);
}

// ---------------------------------------------------------------------------------------------
// Message loop.

function processBatch(batch: unknown[]): void {
  lastSeq = batch[0] as number;
  Atomics.store(slots, P.SLOT_RESUMED_COUNT, 0);
  const n = batch.length;
  let i = 1;
  while (i < n) {
    const op = batch[i] as number;
    switch (op) {
      case P.EV_TEXT:
      case P.EV_BINARY: {
        const c = conns.get(batch[i + 1] as number);
        if (c) deliver(c, op, batch[i + 2], undefined);
        i += 3;
        break;
      }
      case P.EV_OPEN: {
        const c = addConnection(batch[i + 1] as number, batch[i + 2] as ConnInfo);
        if (c) deliver(c, op, undefined, undefined);
        i += 3;
        break;
      }
      case P.EV_RESTORE:
        addConnection(batch[i + 1] as number, batch[i + 2] as ConnInfo);
        i += 3;
        break;
      case P.EV_CLOSE: {
        const c = conns.get(batch[i + 1] as number);
        if (c) {
          dropFromService(c);
          deliver(c, op, batch[i + 2], batch[i + 3]);
        }
        i += 4;
        break;
      }
      case P.EV_SOCKERR: {
        const c = conns.get(batch[i + 1] as number);
        if (c) deliver(c, op, batch[i + 2], undefined);
        i += 3;
        break;
      }
      case P.EV_UPGRADE:
        runUpgrade(batch[i + 1] as number, batch[i + 2] as number, batch[i + 3] as UpgradeInfo);
        i += 4;
        break;
      case P.EV_REPLY: {
        const reqId = batch[i + 1] as number;
        const entry = requests.get(reqId);
        if (entry) {
          requests.delete(reqId);
          const owner = entry.owner;
          if (owner && owner.pIdx >= 0) {
            const k = Atomics.load(slots, P.SLOT_RESUMED_COUNT);
            if (k < P.MAX_RESUMED) {
              const at = P.RESUMED_BASE + 3 * k;
              slots[at] = owner.kind;
              slots[at + 1] = owner.id;
              slots[at + 2] = owner.node.idx;
              Atomics.store(slots, P.SLOT_RESUMED_COUNT, k + 1);
            }
            resumedHint = owner;
          }
          if (batch[i + 2]) entry.resolve(batch[i + 3]);
          else entry.reject(new Error(String(batch[i + 3])));
        }
        i += 4;
        break;
      }
      default:
        // Unknown op: the two sides disagree about the protocol; stop reading this batch.
        note('error', 'WSF_HOST_PROTOCOL', `unknown op ${String(op)} in a batch`);
        i = n;
    }
  }
  scheduleFlush();
}

function control(msg: HostControl): void {
  switch (msg.type) {
    case 'init':
      slots = new Int32Array(msg.slots);
      tracing = msg.tracing;
      sampleRate = msg.sampleRate;
      // Answer before loading the snippets: the main thread now knows this thread runs, and
      // judges the loading (module code of a snippet may loop too).
      flush();
      loadProgram(msg.program);
      break;
    case 'reload':
      loadProgram(msg.program);
      break;
    case 'config':
      tracing = msg.tracing;
      sampleRate = msg.sampleRate;
      break;
  }
  scheduleFlush();
}

port.on('message', (msg: unknown) => {
  if (Array.isArray(msg)) processBatch(msg);
  else control(msg as HostControl);
});

// Errors from snippet timers or forgotten promises: report them against the snippet they came from.
function uncaught(error: unknown, code: string): void {
  const stack = error instanceof Error ? error.stack : undefined;
  const nodeId = nodeOfStack(stack);
  const node = nodeId ? nodes.get(nodeId) : undefined;
  if (node) {
    const failure = toFailure(node.snippet, error, code);
    record({ t: Date.now(), nodeId: node.id, connectionId: '', event: node.event, durationMs: 0, logs: [], error: failure });
  } else {
    note('error', code, error instanceof Error ? error.message : describe(error), nodeId);
  }
}
process.on('uncaughtException', (error) => uncaught(error, 'WSF_SNIPPET_UNCAUGHT'));
process.on('unhandledRejection', (reason) => uncaught(reason, 'WSF_SNIPPET_UNHANDLED_REJECTION'));
