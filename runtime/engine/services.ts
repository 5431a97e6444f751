/**
 * Services in the main thread: one `ws` server each (noServer, so per-service maxPayload and
 * subprotocols on one listener), their settings across hot reloads, and local delivery of
 * broadcasts and targeted sends to their sockets.
 */
import type { IncomingMessage } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServiceNode } from '../model/types.ts';
import type { Delivery, StateBackend } from './contracts.ts';
import type { StateOp } from './host/protocol.ts';
import type { ServiceSpec } from './topology.ts';
import type { ConnRecord, ServiceRt } from './connection.ts';
import { startSweeps, stopSweeps } from './connection.ts';
import { incomingCheck } from './incoming.ts';
import { chooseProtocol } from './upgrade.ts';
import { closeForPolicy, newAdmission, serviceLimits } from './security/limits.ts';
import { buildFrame, deflated, writeFrame } from './frames.ts';
import { compressionThreshold, deflateOptions, negotiatedWindowBits } from './compression.ts';
import type { Frame } from './frames.ts';

export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** `svc` is read at handshake time, so a reload's new subprotocol list applies. */
function newWss(svc: () => ServiceRt, node: ServiceNode): WebSocketServer {
  const deflate = deflateOptions(node);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: deflate,
    maxPayload: node.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    handleProtocols: (offered: Set<string>, req: IncomingMessage) => svc().decidedProtocol.get(req) ?? chooseProtocol(svc(), [...offered]) ?? false,
  });
  // What was agreed is read from the response ws sends (its public 'headers' event).
  if (deflate) wss.on('headers', (headers: string[], req: IncomingMessage) => svc().windowBits.set(req, negotiatedWindowBits(headers)));
  return wss;
}

/** Settings that need a new ws server when they change (a reload keeps the old one otherwise). */
function wssKey(node: ServiceNode): string {
  return `${node.maxPayload ?? DEFAULT_MAX_PAYLOAD} ${JSON.stringify(node.compression ?? false)}`;
}

export function createService(spec: ServiceSpec, report: ServiceRt['report'] = () => undefined): ServiceRt {
  const node = spec.node;
  const svc: ServiceRt = {
    spec,
    wss: newWss(() => svc, node),
    conns: new Set(),
    check: incomingCheck(node),
    idleMs: node.idleTimeoutMs ?? 0,
    heartbeatMs: node.heartbeatMs ?? 0,
    timers: [],
    admission: newAdmission(node),
    report,
    counts: { received: 0, sent: 0, slowReaders: 0, rateLimited: 0 },
    decidedProtocol: new WeakMap(),
    windowBits: new WeakMap(),
    compressAt: compressionThreshold(node),
  };
  startSweeps(svc);
  return svc;
}

/** Hot reload of a kept service: new settings apply to new connections and to the sweeps. */
export function updateService(svc: ServiceRt, spec: ServiceSpec): void {
  const node = spec.node;
  if (wssKey(node) !== wssKey(svc.spec.node)) svc.wss = newWss(() => svc, node);
  svc.compressAt = compressionThreshold(node);
  svc.spec = spec;
  svc.check = incomingCheck(node);
  svc.idleMs = node.idleTimeoutMs ?? 0;
  svc.heartbeatMs = node.heartbeatMs ?? 0;
  svc.admission.limits = serviceLimits(node);
  stopSweeps(svc);
  startSweeps(svc);
}

/** The adapter's local delivery: framed once, the same bytes written to every target socket. Returns the number of sends. */
export function deliverLocal(d: Delivery, byId: ReadonlyMap<string, ConnRecord>, byService: ReadonlyMap<string, ServiceRt>): number {
  const frame = buildFrame(d.binary && typeof d.data === 'string' ? Buffer.from(d.data, 'base64') : d.data, d.binary === true);
  let sent = 0;
  if (d.to) {
    for (const id of d.to) {
      const rec = byId.get(id);
      if (rec && rec.open && sendFrame(rec, frame)) sent++;
    }
    return sent;
  }
  const svc = byService.get(d.service);
  if (!svc) return 0;
  const except = d.except && d.except.length > 0 ? new Set(d.except) : undefined;
  for (const rec of svc.conns) {
    if (except?.has(rec.id)) continue;
    if (sendFrame(rec, frame)) sent++;
  }
  return sent;
}

/** One message to one client (`conn.send`, an upgrader's first message, a connector's delivery). */
export function sendChecked(rec: ConnRecord, data: string | Uint8Array, binary: boolean, written?: (error?: Error | null) => void): boolean {
  return sendFrame(rec, buildFrame(data, binary), written);
}

/**
 * Every send to a client goes through here: a peer whose unsent backlog is already past
 * `maxBufferedBytes` (a slow reader) gets no more data; it is closed with 1008, and cut if it
 * does not read that close, so its memory is freed. One message may pass the bound, never more.
 * The frame goes straight to the socket `ws` upgraded (ws.bufferedAmount counts it); a socket
 * that is closing gets nothing, as `ws.send` would send nothing after its close frame.
 */
export function sendFrame(rec: ConnRecord, frame: Frame, written?: (error?: Error | null) => void): boolean {
  if (rec.cut || rec.ws.readyState !== WebSocket.OPEN) return false;
  const max = rec.svc.admission.limits.maxBufferedBytes;
  if (rec.ws.bufferedAmount > max) {
    rec.cut = true;
    rec.svc.counts.slowReaders++;
    rec.svc.report('WSF_SLOW_READER', `connection ${rec.id}: more than ${max} bytes unsent (a slow reader); closed with 1008`);
    closeForPolicy(rec.ws, `slow reader: more than ${max} bytes unsent`);
    return false;
  }
  writeFrame(rec.socket, rec.windowBits !== 0 && frame.length >= rec.svc.compressAt ? deflated(frame, rec.windowBits) : frame, written);
  return true;
}

/** A snippet's `ctx.state.*` call, carried out on the cluster adapter's state backend. */
export function callState(s: StateBackend, service: string, op: StateOp, key: string, arg: unknown): Promise<unknown> {
  switch (op) {
    case 'get':
      return s.get(service, key);
    case 'set':
      return s.set(service, key, arg);
    case 'delete':
      return s.delete(service, key);
    case 'incr':
      return s.incr(service, key, typeof arg === 'number' ? arg : 1);
    case 'keys':
      return s.keys(service, typeof arg === 'string' ? arg : key);
    default:
      return Promise.reject(new Error(`unknown state operation ${String(op)}`));
  }
}
