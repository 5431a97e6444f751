/**
 * Connection events: the listeners on every accepted socket (message, ping, pong, error, close)
 * and what the engine does when a handler host finishes an event (resume a paused socket). The
 * message listener is the hot path: one shared function per engine, no closure per connection
 * and no extra call per message beyond `onMessage`.
 */
import type { WebSocket } from 'ws';
import * as P from './host/protocol.ts';
import { bytesForHost, LARGE_MESSAGE, sharedCopy } from './host/wire.ts';
import { completeEvent } from './connection.ts';
import type { ConnRecord } from './connection.ts';
import { closeForPolicy } from './security/limits.ts';
import { take } from './security/token-bucket.ts';
import { backlogLow, PAUSE_AT } from './core.ts';
import type { EngineCore } from './core.ts';

const RECORD = Symbol('wsflow.connection');
type Wired = WebSocket & { [RECORD]?: ConnRecord };

/** Listeners `ws` calls with the socket as `this` (the record is found on it). */
export interface SocketListeners {
  message: (this: WebSocket, data: Buffer, isBinary: boolean) => void;
  ping: (this: WebSocket) => void;
  pong: (this: WebSocket) => void;
  error: (this: WebSocket, error: Error) => void;
  close: (this: WebSocket, code: number, reason: Buffer) => void;
}

function recordOf(ws: WebSocket): ConnRecord {
  return (ws as Wired)[RECORD] as ConnRecord;
}

/**
 * The socket listeners, made once per engine and shared by every connection (each finds its
 * record on the socket): per-connection closures would cost every idle connection ~0.4 KiB.
 */
export function socketListeners(core: EngineCore): SocketListeners {
  return {
    message(this: WebSocket, data: Buffer, isBinary: boolean) {
      onMessage(core, recordOf(this), data, isBinary);
    },
    ping(this: WebSocket) {
      const rec = recordOf(this);
      rec.frame.frames++;
      if (rec.svc.idleMs > 0) rec.lastSeen = Date.now();
    },
    pong(this: WebSocket) {
      const rec = recordOf(this);
      rec.frame.frames++;
      rec.alive = true;
    },
    error(this: WebSocket, error: Error) {
      const rec = recordOf(this);
      if (!rec.quarantined) core.forward(rec, P.EV_SOCKERR, error.message);
    },
    close(this: WebSocket, code: number, reason: Buffer) {
      onClose(core, recordOf(this), code, reason.toString());
    },
  };
}

/** Attach the shared listeners to an accepted socket and its record. */
export function wire(rec: ConnRecord, l: SocketListeners): void {
  const ws = rec.ws as Wired;
  ws[RECORD] = rec;
  ws.on('message', l.message);
  ws.on('ping', l.ping);
  ws.on('pong', l.pong);
  ws.on('error', l.error);
  ws.on('close', l.close);
}

function onMessage(core: EngineCore, rec: ConnRecord, data: Buffer, isBinary: boolean): void {
  const svc = rec.svc;
  core.messagesIn++;
  rec.frame.frames++;
  svc.counts.received++;
  if (svc.idleMs > 0) rec.lastSeen = Date.now();
  if (rec.quarantined || rec.cut) return;
  if (rec.bucket && !take(rec.bucket, Date.now())) return overRate(core, rec);
  // Only a connection that bindings were set up for has a link and something to forward to.
  if (rec.link) core.connectors?.fromClient(rec.num, data, isBinary);
  // No handler for this frame type (a pure proxy or bridge): nothing to run, no thread hop.
  const handlers = svc.spec.handlers;
  if (isBinary) {
    if (handlers.onBinary) core.forwardPayload(rec, P.EV_BINARY, bytesForHost(data));
    return;
  }
  // A large text with no message shape to check crosses as bytes, never decoded here (wire.ts).
  if (data.byteLength >= LARGE_MESSAGE && !svc.check) {
    if (handlers.onText) core.forwardPayload(rec, P.EV_TEXT, sharedCopy(data));
    return;
  }
  const text = data.toString();
  if (svc.check) {
    const problem = svc.check(text);
    if (problem !== null) {
      rec.ws.close(1007, problem);
      return;
    }
  }
  if (!handlers.onText) return;
  if (text.length >= LARGE_MESSAGE) return core.forwardPayload(rec, P.EV_TEXT, text);
  // core.forward, written out: text is the common case and this keeps it one call deep.
  rec.events.push(P.EV_TEXT, text, undefined);
  core.hosts.of(rec.num).push2(P.EV_TEXT, rec.num, text);
  // Backpressure: a peer that sends faster than its handler runs stops being read.
  if (rec.events.length - rec.head > PAUSE_AT) rec.ws.pause();
}

function onClose(core: EngineCore, rec: ConnRecord, code: number, why: string): void {
  const svc = rec.svc;
  rec.open = false;
  svc.conns.delete(rec);
  core.openCount--;
  core.adapter.connectionClosed(svc.spec.id, rec.id);
  core.connectors?.closed(rec.num, code, why);
  core.channels?.closed(rec);
  if (core.trace.active) {
    core.trace.emit({ kind: 'connection', t: Date.now(), state: 'close', connectionId: rec.id, serviceId: svc.spec.id, path: rec.info.path, code, reason: why });
  }
  if (rec.quarantined) core.forget(rec);
  else {
    rec.events.push(P.EV_CLOSE, code, why);
    core.hosts.of(rec.num).push3(P.EV_CLOSE, rec.num, code, why);
  }
  core.hosts.others(core.hosts.indexOf(rec.num), (h) => h.push1(P.EV_FORGET, rec.num));
}

function overRate(core: EngineCore, rec: ConnRecord): void {
  const limits = rec.svc.admission.limits;
  rec.cut = true;
  rec.svc.counts.rateLimited++;
  core.note({ level: 'warn', code: 'WSF_RATE_LIMITED', message: `connection ${rec.id}: over ${limits.rate} messages/s (burst ${limits.burst}); closed with 1008` });
  closeForPolicy(rec.ws, `message rate over ${limits.rate}/s`);
}

/** The handler host finished the oldest event of `rec`: forget a closed record, read a paused socket again. */
export function eventDone(core: EngineCore, rec: ConnRecord): void {
  if (completeEvent(rec)) {
    if (!rec.open) core.forget(rec);
    else if (rec.ws.isPaused && !rec.held) rec.ws.resume();
  } else if (rec.ws.isPaused && !rec.held && backlogLow(rec)) rec.ws.resume();
}
