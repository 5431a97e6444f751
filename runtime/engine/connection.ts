/**
 * Per-connection bookkeeping in the main thread: the record of one open socket, its unfinished
 * events (kept until the worker says DONE, so a respawned worker can replay them), and the
 * socket listeners that turn frames into events. Idle and heartbeat sweeps live here too.
 */
import type { WebSocket, WebSocketServer } from 'ws';
import type { ServiceSpec } from './topology.ts';
import type { ConnInfo } from './host/protocol.ts';
import type { IncomingCheck } from './incoming.ts';
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
}

export interface ConnRecord {
  num: number;
  id: string;
  ws: WebSocket;
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
  /** a connector stopped reading this socket (its other side is slow) */
  held?: boolean;
  /** what connectors see of this connection (only when the engine has connectors) */
  link?: ClientLink;
}

export function pushEvent(rec: ConnRecord, op: number, a: unknown, b: unknown): void {
  rec.events.push(op, a, b);
}

/** One event finished; returns true when nothing is left. */
export function completeEvent(rec: ConnRecord): boolean {
  rec.head += 3;
  if (rec.head >= rec.events.length) {
    rec.events.length = 0;
    rec.head = 0;
    return true;
  }
  return false;
}

export function hasUnfinished(rec: ConnRecord): boolean {
  return rec.head < rec.events.length;
}

/** Idle timeout and server-side heartbeat of one service. */
export function startSweeps(svc: ServiceRt): void {
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

export function stopSweeps(svc: ServiceRt): void {
  for (const t of svc.timers) clearInterval(t);
  svc.timers.length = 0;
}
