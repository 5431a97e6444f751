/**
 * Upgrade decisions, the engine's side of upgrade.ts: hand a request to the upgrade snippet and
 * read its decision, refuse with an HTTP status, or accept — complete the WebSocket handshake,
 * make the connection's record, wire its socket and tell the handler hosts it opened.
 */
import type { SnippetFailure } from './contracts.ts';
import * as P from './host/protocol.ts';
import type { ConnDetails, ConnInfo, UpgradeResult } from './host/protocol.ts';
import type { ConnRecord } from './connection.ts';
import { refuseUpgrade } from './http.ts';
import { chooseProtocol } from './upgrade.ts';
import type { Acceptance, PendingUpgrade } from './upgrade.ts';
import { connectionBucket } from './security/limits.ts';
import { isCredentialMarker } from './security/credentials.ts';
import type { EngineCore } from './core.ts';
import { wire } from './socket-events.ts';
import type { SocketListeners } from './socket-events.ts';

type Pending = Omit<PendingUpgrade, 'reqId'>;

/** Run the route's upgrade snippet on a handler host; its answer comes back as `upgradeResult`. */
export function askSnippet(core: EngineCore, pending: Pending): void {
  const reqId = ++core.nextReq;
  const host = reqId % core.hosts.size;
  core.upgrades.set(reqId, { reqId, host, ...pending });
  pending.socket.once('close', () => core.upgrades.delete(reqId));
  core.hosts.at(host).push3(P.EV_UPGRADE, reqId, pending.route.idx, pending.info);
}

export function upgradeResult(core: EngineCore, listeners: SocketListeners, reqId: number, result: UpgradeResult): void {
  const pending = core.upgrades.get(reqId);
  if (!pending) return;
  core.upgrades.delete(reqId);
  const upId = pending.route.upgrader.id;
  if (!result.ok) return refuse(core, pending, 500, `upgrade refused: the upgrade snippet failed (${result.error.message})`, upId);
  const d = result.decision as { accept: boolean; status?: number; reason?: string } & Acceptance;
  if (!d.accept) {
    const status = typeof d.status === 'number' && d.status >= 400 && d.status <= 599 ? Math.floor(d.status) : 403;
    return refuse(core, pending, status, d.reason ?? 'upgrade refused', upId);
  }
  if (d.protocol !== undefined && !pending.info.protocols.includes(d.protocol)) {
    const failure: SnippetFailure = { code: 'WSF_UPGRADE_DECISION', nodeId: upId, message: `the upgrade snippet picked subprotocol "${d.protocol}", which the client did not offer` };
    core.reportFailure(failure, '', 'upgrade', 0);
    return refuse(core, pending, 500, 'upgrade refused: the upgrade snippet picked a subprotocol the client did not offer', upId);
  }
  accept(core, listeners, pending, d);
}

export function refuse(core: EngineCore, pending: Pending, status: number, reason: string, upgraderId?: string): void {
  refuseUpgrade(pending.socket, status, reason);
  rejected(core, pending.info.path, status, reason, upgraderId);
}

/** Count and trace a refused upgrade (the response is already written). */
export function rejected(core: EngineCore, path: string, status: number, reason: string, upgraderId?: string): void {
  core.metrics?.upgrade(upgraderId ?? '', status);
  if (core.trace.active) core.trace.emit({ kind: 'connection', t: Date.now(), state: 'rejected', connectionId: '', upgraderId, path, status, reason });
}

export function accept(core: EngineCore, listeners: SocketListeners, pending: Pending, acceptance: Acceptance): void {
  const { req, socket, head, svc, info, route, granted } = pending;
  if (socket.destroyed) return;
  if (core.stopping) return refuse(core, pending, 503, 'the service is shutting down', route.upgrader.id);
  svc.decidedProtocol.set(req, chooseProtocol(svc, info.protocols, acceptance.protocol, granted.marker));
  svc.wss.handleUpgrade(req, socket, head, (ws) => {
    const num = ++core.nextNum;
    const details: ConnDetails = { params: info.params, query: info.query, headers: info.headers };
    if (granted.auth) details.auth = granted.auth;
    const connInfo: ConnInfo = {
      id: `${core.idPrefix}-${num.toString(36)}`,
      serviceIdx: svc.spec.idx,
      path: info.path,
      protocol: isCredentialMarker(ws.protocol) ? '' : ws.protocol,
      remoteAddress: info.remoteAddress,
      attrs: acceptance.attrs ?? '{}',
      details: JSON.stringify(details),
    };
    const now = Date.now();
    const rec: ConnRecord = {
      num,
      id: connInfo.id,
      ws,
      socket,
      svc,
      info: connInfo,
      events: [],
      head: 0,
      open: true,
      quarantined: false,
      alive: true,
      lastSeen: now,
      bucket: connectionBucket(svc.admission.limits, now),
      cut: false,
      pendingBytes: 0,
      windowBits: svc.windowBits.get(req) ?? 0,
      frame: { frames: 0, mark: 0, since: 0 },
    };
    core.byNum.set(num, rec);
    core.byId.set(rec.id, rec);
    svc.conns.add(rec);
    core.openCount++;
    core.metrics?.upgrade(route.upgrader.id, 101);
    core.adapter.connectionOpened(svc.spec.id, rec.id);
    wire(rec, listeners);
    if (acceptance.firstMessage !== undefined) core.sendCounted(rec, acceptance.firstMessage);
    core.connectors?.opened(svc.spec.id, () => core.linkOf(rec));
    if (core.trace.active) {
      core.trace.emit({ kind: 'connection', t: Date.now(), state: 'open', connectionId: rec.id, serviceId: svc.spec.id, upgraderId: route.upgrader.id, path: info.path });
    }
    core.hosts.others(core.hosts.indexOf(num), (h) => h.push2(P.EV_RESTORE, num, connInfo));
    core.forward(rec, P.EV_OPEN, connInfo);
  });
}
