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
import type { ConnInfo, EngineEvent, HostControl, HostProgram, SnippetFailure, UpgradeInfo } from './protocol.ts';
import * as P from './protocol.ts';
import { loadSnippet, nodeOfStack, toFailure, describe } from './snippets.ts';
import { HostConnection, makeLogger, nodeContext, normalizeData, serviceBase } from './objects.ts';
import type { ServiceRuntime } from './objects.ts';
import { H } from './state.ts';
import type { NodeRt } from './state.ts';
import { flush, forgetDirty, note, push1, record, scheduleFlush, setLastSeq, settleRequest, sink } from './outbox.ts';
import { invoke } from './invoke.ts';
import type { Outcome } from './invoke.ts';

if (!parentPort) throw new Error('the wsflow handler host must run in a worker thread');
const port = parentPort;

type Handlers = Partial<Record<'onOpen' | 'onText' | 'onBinary' | 'onClose' | 'onError', NodeRt>>;

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

let services: SvcRt[] = [];
let upgraders: { serviceIdx: number; node?: NodeRt }[] = [];
const conns = new Map<number, Conn>();

// ---------------------------------------------------------------------------------------------
// Program (snippets + which node handles what); replaced on hot reload.

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
    let stat = H.stats.get(nodeId);
    if (!stat) H.stats.set(nodeId, (stat = { count: 0, errors: 0, totalMs: 0, maxMs: 0 }));
    const idx = program.nodeIds.indexOf(nodeId);
    // Module code runs now: if it never finishes, the watchdog must know whose it is.
    const slots = H.slots;
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
  H.nodes = next;
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
  push1(P.ACT_DONE, c.num);
  if (op === P.EV_CLOSE) {
    conns.delete(c.num);
    forgetDirty(c.hc);
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
    return { accept: false, status: typeof d.status === 'number' ? d.status : undefined, reason: d.reason === undefined ? undefined : typeof d.reason === 'string' ? d.reason : JSON.stringify(d.reason) };
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
    sink.push2(P.ACT_UPGRADE_RESULT, reqId, { ok: true, decision: { accept: true } } satisfies P.UpgradeResult);
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
    sink.push2(P.ACT_UPGRADE_RESULT, reqId, (fail ? { ok: false, error: fail } : { ok: true, decision }) satisfies P.UpgradeResult);
  };
  const outcome = invoke(node, 2, reqId, '', 2, req, node.ctx, undefined, undefined, capture);
  if (outcome instanceof Promise) void outcome.then(reply);
  else reply(outcome);
}

// ---------------------------------------------------------------------------------------------
// Message loop.

function processBatch(batch: unknown[]): void {
  setLastSeq(batch[0] as number);
  Atomics.store(H.slots, P.SLOT_RESUMED_COUNT, 0);
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
      case P.EV_REPLY:
        settleRequest(batch[i + 1] as number, Boolean(batch[i + 2]), batch[i + 3]);
        i += 4;
        break;
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
      H.slots = new Int32Array(msg.slots);
      H.tracing = msg.tracing;
      H.sampleRate = msg.sampleRate;
      // Answer before loading the snippets: the main thread now knows this thread runs, and
      // judges the loading (module code of a snippet may loop too).
      flush();
      loadProgram(msg.program);
      break;
    case 'reload':
      loadProgram(msg.program);
      break;
    case 'config':
      H.tracing = msg.tracing;
      H.sampleRate = msg.sampleRate;
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
  const node = nodeId ? H.nodes.get(nodeId) : undefined;
  if (node) {
    const failure = toFailure(node.snippet, error, code);
    record({ t: Date.now(), nodeId: node.id, connectionId: '', event: node.event, durationMs: 0, logs: [], error: failure });
  } else {
    note('error', code, error instanceof Error ? error.message : describe(error), nodeId);
  }
}
process.on('uncaughtException', (error) => uncaught(error, 'WSF_SNIPPET_UNCAUGHT'));
process.on('unhandledRejection', (reason) => uncaught(reason, 'WSF_SNIPPET_UNHANDLED_REJECTION'));
