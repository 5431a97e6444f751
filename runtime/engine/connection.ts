/**
 * Per-connection bookkeeping in the main thread: the record of one open socket, its unfinished
 * events (kept until the worker says DONE, so a respawned worker can replay them), and the idle,
 * heartbeat and frame-timeout sweeps. The socket listeners that turn frames into events are in
 * socket-events.ts.
 */
import { LARGE_MESSAGE } from './host/wire.ts';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ServiceSpec } from './topology.ts';
import type { ConnInfo } from './host/protocol.ts';
import type { IncomingCheck } from './incoming.ts';
import type { FrameWatch, ServiceAdmission } from './security/limits.ts';
import { closeForPolicy, frameOverdue } from './security/limits.ts';
import type { TokenBucket } from './security/token-bucket.ts';
import type { ServiceCounts } from './metrics/engine-metrics.ts';
import type { IncomingMessage } from 'node:http';
import type { ClientLink } from './contracts.ts';

export interface ServiceRt {
  spec: ServiceSpec;
  wss: WebSocketServer;
  /** open local connections, for delivery */
  conns: Set<ConnRecord>;
  check?: IncomingCheck;
  idleMs: number;
  heartbeatMs: number;
  timers: NodeJS.Timeout[];
  /** limits and admission counts (security/limits.ts) */
  admission: ServiceAdmission;
  /** engine notes (trace) for connections closed by a limit */
  report(code: string, message: string): void;
  /** messages in and out, read by /metrics (plain increments; kept across reloads) */
  counts: ServiceCounts;
  /** the subprotocol the engine decided for a request being upgraded now (read by ws's handleProtocols) */
  decidedProtocol: WeakMap<IncomingMessage, string | undefined>;
  /** the permessage-deflate window a client being upgraded now agreed to (compression.ts) */
  windowBits: WeakMap<IncomingMessage, number>;
  /** payload size from which sends are compressed (Infinity: the service does not compress) */
  compressAt: number;
}

export interface ConnRecord {
  num: number;
  id: string;
  ws: WebSocket;
  /** the socket ws upgraded: pre-built frames are written to it directly (frames.ts) */
  socket: Duplex;
  svc: ServiceRt;
  info: ConnInfo;
  /** unfinished events as flat `op, a, b` triples from `head` on */
  events: unknown[];
  head: number;
  open: boolean;
  /** closed by the watchdog: its events are no longer forwarded */
  quarantined: boolean;
  alive: boolean;
  lastSeen: number;
  /** message rate limit, when the service sets one */
  bucket?: TokenBucket;
  /** closed by a limit: nothing more is sent to it or read from it */
  cut: boolean;
  /** bytes held by its unfinished events (payloadBytes): past PAUSE_BYTES its socket is not read */
  pendingBytes: number;
  /** permessage-deflate window for what the engine sends, 0 when not agreed (compression.ts) */
  windowBits: number;
  frame: FrameWatch;
  /** a connector stopped reading this socket (its other side is slow) */
  held?: boolean;
  /** what connectors see of this connection (only when the engine has connectors) */
  link?: ClientLink;
}

/** One event finished; returns true when nothing is left. */
export function completeEvent(rec: ConnRecord): boolean {
  if (rec.pendingBytes !== 0) rec.pendingBytes -= payloadBytes(rec.events[rec.head + 1]);
  rec.head += 3;
  if (rec.head >= rec.events.length) {
    rec.events.length = 0;
    rec.head = 0;
    return true;
  }
  return false;
}

/**
 * What a pending event's payload holds in memory, counted for the bytes half of backpressure:
 * bytes (binary, and large texts that cross as bytes) and large texts. Small texts are bounded
 * by the event count alone (core.ts PAUSE_AT).
 */
export function payloadBytes(payload: unknown): number {
  if (payload instanceof Uint8Array) return payload.byteLength;
  return typeof payload === 'string' && payload.length >= LARGE_MESSAGE ? payload.length : 0;
}

export function hasUnfinished(rec: ConnRecord): boolean {
  return rec.head < rec.events.length;
}

/** Idle timeout and server-side heartbeat of one service. */
export function startSweeps(svc: ServiceRt): void {
  startFrameSweep(svc);
  if (svc.idleMs > 0) {
    const every = Math.max(20, Math.min(1000, Math.floor(svc.idleMs / 4)));
    const t = setInterval(() => {
      const now = Date.now();
      for (const rec of svc.conns) {
        if (now - rec.lastSeen >= svc.idleMs) rec.ws.close(1001, 'idle timeout');
      }
    }, every);
    t.unref();
    svc.timers.push(t);
  }
  if (svc.heartbeatMs > 0) {
    const t = setInterval(() => {
      for (const rec of svc.conns) {
        if (!rec.alive) {
          rec.ws.terminate();
          continue;
        }
        rec.alive = false;
        rec.ws.ping();
      }
    }, svc.heartbeatMs);
    t.unref();
    svc.timers.push(t);
  }
}

/** A frame a peer started must finish within the service's frameTimeoutMs (a default applies). */
function startFrameSweep(svc: ServiceRt): void {
  const t = setInterval(
    () => {
      const now = Date.now();
      const timeout = svc.admission.limits.frameTimeoutMs;
      for (const rec of svc.conns) {
        if (rec.cut || !frameOverdue(rec.ws, rec.frame, now, timeout)) continue;
        rec.cut = true;
        svc.report('WSF_FRAME_TIMEOUT', `connection ${rec.id}: a frame stayed unfinished for ${timeout} ms; closed with 1008`);
        closeForPolicy(rec.ws, `frame not finished within ${timeout} ms`, 1000);
      }
    },
    Math.max(50, Math.min(1000, Math.floor(svc.admission.limits.frameTimeoutMs / 4))),
  );
  t.unref();
  svc.timers.push(t);
}

export function stopSweeps(svc: ServiceRt): void {
  for (const t of svc.timers) clearInterval(t);
  svc.timers.length = 0;
}
