/**
 * The handler-host worker: runs every snippet of a flow, one thread for the whole engine.
 *
 * The main thread owns the sockets; this thread owns the snippets. Events arrive in batches
 * (see protocol.ts), effects leave in batches, one postMessage per event-loop turn each way.
 * Events of one connection run in order (the next waits until the previous handler settled);
 * different connections interleave freely. What is running right now is written to a shared
 * Int32Array so that the main thread can blame the right node when this thread stops answering
 * and has to be terminated.
 *
 * Why one file of ~430 lines: its three parts (the program, the connection events, the message
 * loop) share the worker's mutable state (services, upgraders, open connections) that loadProgram
 * replaces on hot reload; kept here, that state has one owner and no setter crosses a module. What
 * does not touch it already lives beside this file (objects, outbox, invoke, upgrade, debug, state).
 */
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { attributeTimers } from './timers.ts';
import { port } from './port.ts';
import { confineProcess } from './confine.ts';
import type { ConnInfo, EngineEvent, HostControl, HostProgram, SnippetFailure, UpgradeInfo } from './protocol.ts';
import * as P from './protocol.ts';
import { loadSnippet, nodeOfStack, toFailure, describe } from './snippets.ts';
import { HostConnection, largeText, makeLogger, nodeContext, serviceBase } from './objects.ts';
import type { ServiceRuntime } from './objects.ts';
import { H, statOf } from './state.ts';
import type { NodeRt } from './state.ts';
import { flush, forgetDirty, note, push1, record, scheduleFlush, setLastSeq, settleRequest, sink } from './outbox.ts';
import { invoke } from './invoke.ts';
import { runUpgrade } from './upgrade.ts';
import type { Outcome } from './invoke.ts';
import { suspendPending, unsuspendPending } from './invoke.ts';
import * as debug from './debug.ts';

confineProcess();
attributeTimers();
debug.wiring.suspend = suspendPending;
debug.wiring.unsuspend = unsuspendPending;
debug.wiring.resumed = (num, pausedMs) => {
  // Paused time is the designer's, not the handler's: it does not count towards settleMs.
  const c = conns.get(num);
  if (c) c.busySince += pausedMs;
};

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
  /** the event whose handler's promise is awaited, and since when (performance.now) */
  busyOp: number;
  busySince: number;
  /** bumped when an event ends: a late settle of an abandoned promise must not end the next one */
  turn: number;
}

const EVENT_OF: Record<string, EngineEvent> = { onOpen: 'open', onText: 'text', onBinary: 'binary', onClose: 'close', onError: 'error' };

let services: SvcRt[] = [];
let upgraders: { serviceIdx: number; node?: NodeRt }[] = [];
const conns = new Map<number, Conn>();

// ---------------------------------------------------------------------------------------------
// Program (snippets + which node handles what); replaced on hot reload.

function loadProgram(program: HostProgram): void {
  debugLoaders = new Map();
  const next = new Map<string, NodeRt>();
  const base = new Map<string, object>();
  // Services are matched by id: their open connections stay with them across a reload.
  const previous = new Map(services.map((s) => [s.id, s]));
  const nextServices: SvcRt[] = program.services.map((s, idx) => {
    let svc = previous.get(s.id);
    previous.delete(s.id);
    if (svc) svc.idx = idx;
    else {
      svc = { idx, id: s.id, connections: new Set(), connectionList: undefined, base: {}, handlers: {} };
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
    const stat = statOf(nodeId);
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
    if (source.debug) {
      const variant = source.debug;
      debugLoaders.set(node, () => loadSnippet(nodeId, variant, logger, debug.debugHooks));
    }
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
  if (H.debug) loadDebugVariants();
}

/** Debugging variants of chains, loaded on the first breakpoint (most runs never need them). */
let debugLoaders = new Map<NodeRt, () => NonNullable<NodeRt['debug']>>();

function loadDebugVariants(): void {
  for (const [node, load] of debugLoaders) node.debug ??= load();
  debugLoaders.clear();
}

// ---------------------------------------------------------------------------------------------
// Connection events, in order per connection.

function runOnError(c: Conn, failure: SnippetFailure): Promise<void> | undefined {
  const h = c.svc.handlers.onError;
  if (!h) return undefined;
  const error = Object.freeze({ code: failure.code, message: failure.message, nodeId: failure.nodeId, field: failure.field, line: failure.line });
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
      // A large text arrives as shared UTF-8 bytes (wire.ts): decoded here, once, when it runs.
      return n ? afterMain(c, invoke(n, 1, c.num, c.hc.id, 3, c.hc, typeof a === 'string' ? a : largeText(a as Uint8Array), n.ctx)) : undefined;
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
  c.turn++;
  if (H.debug) debug.eventEnded(c.num);
  push1(P.ACT_DONE, c.num);
  if (op === P.EV_CLOSE) {
    conns.delete(c.num);
    forgetDirty(c.hc);
  }
}

/** While debugging: a breakpoint on the handler (or a step) pauses the event before it runs. */
function debugStart(c: Conn, op: number, a: unknown, b: unknown): Promise<void> | undefined {
  const node = c.svc.handlers[HANDLER_OF[op] ?? 'onError'];
  const held = node ? debug.pauseBefore(c.hc, node.id, node.event, a) : undefined;
  return held ? held.then(() => startEvent(c, op, a, b)) : startEvent(c, op, a, b);
}

function run(c: Conn, op: number, a: unknown, b: unknown): void {
  for (;;) {
    const p = H.debug ? debugStart(c, op, a, b) : startEvent(c, op, a, b);
    if (p) {
      c.busy = true;
      c.busyOp = op;
      c.busySince = performance.now();
      const turn = c.turn;
      const finished = () => {
        if (c.turn !== turn) return; // abandoned by sweepUnsettled
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
  const c: Conn = { num, hc, svc, queue: [], qHead: 0, busy: false, busyOp: 0, busySince: 0, turn: 0 };
  conns.set(num, c);
  svc.connections.add(hc);
  svc.connectionList = undefined;
  return c;
}

function dropFromService(c: Conn): void {
  if (c.svc.connections.delete(c.hc)) c.svc.connectionList = undefined;
}

const HANDLER_OF: Record<number, keyof Handlers> = { [P.EV_OPEN]: 'onOpen', [P.EV_TEXT]: 'onText', [P.EV_BINARY]: 'onBinary', [P.EV_CLOSE]: 'onClose', [P.EV_SOCKERR]: 'onError' };
let settleMs = 30_000;
let sweeper: NodeJS.Timeout | undefined;

/**
 * A handler whose promise never settles would hold its connection's later events forever: after
 * `settleMs` the event is given up (reported as WSF_SNIPPET_UNSETTLED), the connection is closed
 * with 1011 and its close event runs as usual. Other connections never waited for it.
 */
function sweepUnsettled(): void {
  const now = performance.now();
  for (const c of conns.values()) {
    if (!c.busy || now - c.busySince < settleMs || debug.isHeld(c.num)) continue;
    const node = c.svc.handlers[HANDLER_OF[c.busyOp] ?? 'onError'];
    const message = `the handler's promise did not settle within ${settleMs} ms; the connection is closed`;
    record({ t: Date.now(), nodeId: node?.id ?? '', connectionId: c.hc.id, event: node?.event ?? 'error', durationMs: now - c.busySince, logs: [], error: { code: 'WSF_SNIPPET_UNSETTLED', nodeId: node?.id ?? '', message } });
    sink.push3(P.ACT_CLOSE, c.num, 1011, 'handler did not settle');
    c.busy = false;
    endEvent(c, c.busyOp);
    next(c);
  }
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
      case P.EV_FORGET: {
        const c = conns.get(batch[i + 1] as number);
        if (c) {
          dropFromService(c);
          conns.delete(c.num);
          forgetDirty(c.hc);
        }
        i += 2;
        break;
      }
      case P.EV_ATTRS:
        conns.get(batch[i + 1] as number)?.hc.replaceAttributes(batch[i + 2] as string);
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
        runUpgrade(upgraders[batch[i + 2] as number]?.node, batch[i + 1] as number, batch[i + 3] as UpgradeInfo);
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
      H.steps = msg.steps;
      H.metrics = msg.metrics;
      H.sampleRate = msg.sampleRate;
      settleMs = msg.settleMs;
      sweeper ??= setInterval(sweepUnsettled, Math.max(50, Math.min(1000, settleMs / 4)));
      // Answer before loading the snippets: the main thread now knows this thread runs, and
      // judges the loading (module code of a snippet may loop too).
      flush();
      loadProgram(msg.program);
      break;
    case 'reload':
      // The paused invocations run the old program's code: let them finish before the new one.
      debug.releaseAll();
      loadProgram(msg.program);
      break;
    case 'breakpoints':
      debug.setBreakpoints(msg.nodeIds);
      if (H.debug) loadDebugVariants();
      break;
    case 'debug':
      debug.command(msg.command);
      break;
    case 'config':
      H.tracing = msg.tracing;
      H.steps = msg.steps;
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
