/**
 * Service `limits` and the safe defaults every served flow gets (docs/security.md):
 * admission before the upgrade (503 over the listener's or the service's cap, 429 over the
 * per-address cap), the message rate of a connection (token bucket, close 1008), the unsent
 * backlog of a slow reader (close 1008, then cut), and a bound on how long a started frame may
 * stay unfinished. Counts are released when the TCP socket closes, whatever happened before.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { LimitsSpec, ServiceNode } from '../../model/types.ts';
import { createBucket } from './token-bucket.ts';
import type { TokenBucket } from './token-bucket.ts';

export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** after a slow reader is sent its 1008, how long it has to read it before the socket is cut */
export const SLOW_READER_GRACE_MS = 5_000;

export interface ServiceLimits {
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** messages per second, 0 = unlimited */
  rate: number;
  burst: number;
  maxBufferedBytes: number;
  frameTimeoutMs: number;
}

export function serviceLimits(node: ServiceNode): ServiceLimits {
  const l: LimitsSpec = node.limits ?? {};
  const rate = typeof l.messagesPerSecond === 'number' && l.messagesPerSecond > 0 ? l.messagesPerSecond : 0;
  return {
    maxConnections: l.maxConnections ?? Infinity,
    maxConnectionsPerIp: l.maxConnectionsPerIp ?? Infinity,
    rate,
    burst: l.burst ?? Math.max(1, Math.ceil(rate)),
    maxBufferedBytes: l.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    frameTimeoutMs: l.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS,
  };
}

/** Admission counters of one service; kept across hot reloads with the service. */
export interface ServiceAdmission {
  limits: ServiceLimits;
  admitted: number;
  perIp: Map<string, number>;
}

export function newAdmission(node: ServiceNode): ServiceAdmission {
  return { limits: serviceLimits(node), admitted: 0, perIp: new Map() };
}

export interface Refusal {
  status: number;
  reason: string;
}

/** Listener-wide admission: the connection cap of the whole process. */
export class Admission {
  private total = 0;
  constructor(readonly cap: number) {}

  get count(): number {
    return this.total;
  }

  /** Count an upgrade request in, or say why not. The count is released when `socket` closes. */
  admit(svc: ServiceAdmission, ip: string, socket: Duplex): Refusal | undefined {
    if (this.total >= this.cap) return { status: 503, reason: `the server is at its connection limit (${this.cap}); try again later` };
    if (svc.admitted >= svc.limits.maxConnections) return { status: 503, reason: `the service is at its connection limit (${svc.limits.maxConnections}); try again later` };
    const fromIp = svc.perIp.get(ip) ?? 0;
    if (fromIp >= svc.limits.maxConnectionsPerIp) return { status: 429, reason: `too many connections from ${ip} (limit ${svc.limits.maxConnectionsPerIp})` };
    this.total++;
    svc.admitted++;
    svc.perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      this.total--;
      svc.admitted--;
      const n = (svc.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) svc.perIp.delete(ip);
      else svc.perIp.set(ip, n);
    });
    return undefined;
  }
}

export function connectionBucket(limits: ServiceLimits, now: number): TokenBucket | undefined {
  return limits.rate > 0 ? createBucket(limits.rate, limits.burst, now) : undefined;
}

/** Close a connection for a policy reason (1008) and cut it if the peer does not read the close in time. */
export function closeForPolicy(ws: WebSocket, reason: string, graceMs = SLOW_READER_GRACE_MS): void {
  ws.close(1008, reason);
  const t = setTimeout(() => ws.terminate(), graceMs);
  t.unref();
  ws.once('close', () => clearTimeout(t));
}

/**
 * Bytes `ws` holds for the peer that the kernel has not taken yet. `bufferedAmount` is ws's own
 * public count (socket queue + sender queue).
 */
export function backlog(ws: WebSocket): number {
  return ws.bufferedAmount;
}

/**
 * True while the peer has started a frame and not finished it: ws's receiver holds unparsed
 * bytes, or has parsed part of a header (state past GET_INFO) and waits for the rest.
 */
export function frameInProgress(ws: WebSocket): boolean {
  // ws has no public API for this; `_receiver._state` / `_bufferedBytes` are stable across ws 8.x.
  const receiver = (ws as unknown as { _receiver?: { _state?: number; _bufferedBytes?: number } })._receiver;
  if (!receiver) return false;
  return (receiver._bufferedBytes ?? 0) > 0 || (receiver._state ?? 0) !== 0;
}

/** Per-connection state of the unfinished-frame check. */
export interface FrameWatch {
  /** frames (messages, pings, pongs) completed so far */
  frames: number;
  /** `frames` when the current unfinished frame was first seen */
  mark: number;
  /** ms when it was first seen; 0 = none */
  since: number;
}

/** One sweep step: true when the connection has held an unfinished frame longer than `timeoutMs`. */
export function frameOverdue(ws: WebSocket, w: FrameWatch, now: number, timeoutMs: number): boolean {
  // A socket we paused (handler backpressure) is not read, so its frame cannot progress: not its fault.
  if (ws.isPaused || !frameInProgress(ws)) {
    w.since = 0;
    return false;
  }
  if (w.since === 0 || w.mark !== w.frames) {
    w.since = now;
    w.mark = w.frames;
    return false;
  }
  return now - w.since >= timeoutMs;
}
