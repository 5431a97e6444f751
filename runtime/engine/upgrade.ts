/**
 * The upgrade pipeline: route by path template, check declared query parameters and headers,
 * negotiate the subprotocol, ask the upgrade snippet (in the worker) when there is one, then
 * either refuse with an HTTP status and reason or complete the WebSocket handshake.
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

/** What the upgrade snippet decided, sanitized by the worker. */
export interface Acceptance {
  attrs?: string;
  protocol?: string;
  firstMessage?: string | Uint8Array;
}

export interface PendingUpgrade {
  reqId: number;
  route: RouteSpec;
  svc: ServiceRt;
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  info: UpgradeInfo;
}

export interface UpgradeHost {
  readonly stopping: boolean;
  routes(): readonly RouteSpec[];
  service(idx: number): ServiceRt;
  /** hand the request to the worker's upgrade snippet */
  askSnippet(pending: Omit<PendingUpgrade, 'reqId'>): void;
  accept(pending: Omit<PendingUpgrade, 'reqId'>, acceptance: Acceptance): void;
  rejected(path: string, status: number, reason: string, upgraderId?: string): void;
}

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (!raw) return [];
  return raw.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function handleUpgrade(host: UpgradeHost, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  const refuse = (status: number, reason: string, upgraderId?: string) => {
    refuseUpgrade(socket, status, reason);
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
  const protocols = offeredProtocols(req);
  const supported = svc.spec.node.subprotocols ?? [];
  if (supported.length > 0 && protocols.length > 0 && !supported.some((p) => protocols.includes(p))) {
    return refuse(400, `none of the offered subprotocols (${protocols.join(', ')}) is supported; use one of: ${supported.join(', ')}`, up.id);
  }

  const info: UpgradeInfo = {
    path,
    params,
    query: query.values,
    headers,
    remoteAddress: req.socket.remoteAddress ?? '',
    protocols,
  };
  const pending = { route, svc, req, socket, head, info };
  if (route.snippet) host.askSnippet(pending);
  else host.accept(pending, {});
}

/** Subprotocol for the handshake: the snippet's pick, else the service's first preference the client offered. */
export function chooseProtocol(svc: ServiceRt, offered: readonly string[], picked?: string): string | undefined {
  if (picked) return picked;
  for (const p of svc.spec.node.subprotocols ?? []) if (offered.includes(p)) return p;
  return undefined;
}
