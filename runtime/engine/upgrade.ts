/**
 * The upgrade pipeline: route by path template, check the Origin (403) and the connection limits
 * (503/429), check declared query parameters and headers, check credentials (401), negotiate the
 * subprotocol, wait for the client's broker subscriptions when its service has any (503 if a
 * broker does not confirm), ask the upgrade snippet (in the worker) when there is one, then either
 * refuse with an HTTP status and reason or complete the WebSocket handshake.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { coerceParams } from '../model/params.ts';
import { matchRoute } from './topology.ts';
import type { RouteSpec } from './topology.ts';
import { flatHeaders, refuseUpgrade } from './http.ts';
import { badParam, requestUrl } from './request-path.ts';
import type { UpgradeInfo } from './host/protocol.ts';
import type { ServiceRt } from './connection.ts';
import type { Admission } from './security/limits.ts';
import type { RouteGuard } from './security/guards.ts';
import type { ConnAuth } from './security/auth.ts';
import type { SubscriptionHold } from './contracts.ts';
import { splitOfferedProtocols } from './security/credentials.ts';
import type { OfferedProtocols } from './security/credentials.ts';

/** What the upgrade snippet decided, sanitized by the worker. */
export interface Acceptance {
  attrs?: string;
  protocol?: string;
  firstMessage?: string | Uint8Array;
}

/** What the security checks established, carried to the accepted connection. */
export interface Granted {
  auth?: ConnAuth;
  /** the credential marker the client offered (`choreo-oauth2-token`), answered when no real protocol is chosen */
  marker?: string;
}

export interface PendingUpgrade {
  reqId: number;
  route: RouteSpec;
  svc: ServiceRt;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  info: UpgradeInfo;
  granted: Granted;
}

export interface UpgradeHost {
  readonly stopping: boolean;
  routes(): readonly RouteSpec[];
  service(idx: number): ServiceRt;
  readonly admission: Admission;
  guard(routeIdx: number): RouteGuard | undefined;
  /** hand the request to the worker's upgrade snippet */
  askSnippet(pending: Omit<PendingUpgrade, 'reqId'>): void;
  /** The broker subscriptions a client of `svc` gets before its 101 (connectors); undefined when it has none. */
  subscriptionsFor(svc: ServiceRt, info: UpgradeInfo): SubscriptionHold | undefined;
  accept(pending: Omit<PendingUpgrade, 'reqId'>, acceptance: Acceptance): void;
  rejected(path: string, status: number, reason: string, upgraderId?: string): void;
}

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * A module-level listener, not a closure: a closure made in handleUpgrade would share its scope
 * with the others made there and keep the request, its headers and the upgrade's head buffer
 * alive for as long as the socket lives (~1.5 KiB per idle connection).
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

export function handleUpgrade(host: UpgradeHost, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', destroyOnError);
  const refuse = (status: number, reason: string, upgraderId?: string, extraHeaders?: Record<string, string>) => {
    refuseUpgrade(socket, status, reason, extraHeaders);
    host.rejected(path, status, reason, upgraderId);
  };
  const url = requestUrl(req.url);
  const path = url.pathname;
  if (host.stopping) return refuse(503, 'the service is shutting down');
  const found = matchRoute(host.routes(), path);
  if (!found) return refuse(404, `no WebSocket service at ${path}`);
  const { route, params } = found;
  const up = route.upgrader;
  const badPath = badParam(params);
  if (badPath) return refuse(400, badPath, up.id);

  const rawQuery: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in rawQuery)) rawQuery[k] = v;
  const query = coerceParams(up.query, rawQuery, 'query parameter');
  const headers = flatHeaders(req);
  const declaredHeaders: Record<string, string | undefined> = {};
  for (const name of Object.keys(up.headers ?? {})) declaredHeaders[name] = headers[name.toLowerCase()];
  const headerCheck = coerceParams(up.headers, declaredHeaders, 'header');
  const errors = [...query.errors, ...headerCheck.errors];
  if (errors.length > 0) return refuse(400, errors.join('; '), up.id);

  const svc = host.service(route.serviceIdx);
  const guard = host.guard(route.idx);
  const originProblem = guard?.origins?.(req.headers.origin);
  if (originProblem) return refuse(403, originProblem, up.id);
  const remoteAddress = req.socket.remoteAddress ?? '';
  const refusal = host.admission.admit(svc.admission, remoteAddress, socket);
  if (refusal) return refuse(refusal.status, refusal.reason, up.id);

  const offered = splitOfferedProtocols(offeredProtocols(req));
  const proceed = (granted: Granted) => {
    const protocols = offered.protocols;
    const supported = svc.spec.node.subprotocols ?? [];
    if (supported.length > 0 && protocols.length > 0 && !supported.some((p) => protocols.includes(p))) {
      return refuse(400, `none of the offered subprotocols (${protocols.join(', ')}) is supported; use one of: ${supported.join(', ')}`, up.id);
    }
    const info: UpgradeInfo = { path, params, query: query.values, headers, remoteAddress, protocols };
    if (granted.auth) info.auth = granted.auth;
    const pending = { route, svc, req, socket, head, info, granted };
    const hold = host.subscriptionsFor(svc, info);
    if (!hold) return admitted(host, pending);
    // The 101 waits for the broker's confirmation: whatever is published once the client is open reaches it.
    socket.once('close', hold.release);
    void hold.ready.then((why) => {
      if (socket.destroyed) return;
      if (!why) return admitted(host, pending);
      hold.release();
      refuse(503, why, up.id);
    });
  };
  if (!guard?.auth) return proceed({ marker: offered.marker });
  void authenticate(guard.auth, { headers, query: url.searchParams, offered }).then((outcome) => {
    if (socket.destroyed) return;
    if (!outcome.ok) return refuse(outcome.status, outcome.reason, up.id, outcome.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined);
    proceed({ auth: outcome.auth, marker: offered.marker });
  });
}

/** The checks passed: the upgrade snippet decides, or the client is in. */
function admitted(host: UpgradeHost, pending: Omit<PendingUpgrade, 'reqId'>): void {
  if (pending.route.snippet) host.askSnippet(pending);
  else host.accept(pending, {});
}

/** Never rejects: an unexpected failure of the check is a refusal, not a crash. */
function authenticate(auth: NonNullable<RouteGuard['auth']>, src: { headers: Record<string, string>; query: URLSearchParams; offered: OfferedProtocols }) {
  return auth(src).catch(() => ({ ok: false as const, status: 401 as const, reason: 'the credentials could not be checked' }));
}

/**
 * Subprotocol for the handshake: the snippet's pick, else the service's first preference the
 * client offered, else the credential marker the client offered (`ws` and browsers fail a
 * handshake that answers none of the offered protocols; the token itself is never echoed).
 */
export function chooseProtocol(svc: ServiceRt, offered: readonly string[], picked?: string, marker?: string): string | undefined {
  if (picked) return picked;
  for (const p of svc.spec.node.subprotocols ?? []) if (offered.includes(p)) return p;
  return marker;
}
