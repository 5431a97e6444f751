/**
 * The running engine: one http.Server, one `ws` server per service (noServer; per-service
 * maxPayload and subprotocols), sockets and cluster adapter in this thread, snippets in the
 * handler-host worker (bridge.ts). Implements RunningFlow, and is what the handler hosts
 * (BridgeSink) and the upgrade pipeline (UpgradeHost) talk to. The work is done by one unit per
 * job, all sharing the state in core.ts:
 *   listener.ts       listening sockets and TLS
 *   accept.ts         upgrade decisions: snippet, refuse, accept
 *   socket-events.ts  the listeners on every socket (the hot path)
 *   lifecycle.ts      quarantine, worker restore, reload, stop
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DebugEvent, DebugSession } from './contracts.ts';
import { EngineDebugger } from './debugger.ts';
import type { CompiledFlow, ConnectorCall, Delivery, EngineOptions, RunningFlow, TraceEvent, TraceOptions, TraceSubscription } from './contracts.ts';
import type { RouteSpec } from './topology.ts';
import type { BridgeSink, Culprit, StuckCause } from './bridge.ts';
import * as P from './host/protocol.ts';
import { wireBinary, wireBytes } from './host/wire.ts';
import type { WireData } from './host/wire.ts';
import type { EngineNote, InvokeRecord, StateOp, StatsDelta, UpgradeResult } from './host/protocol.ts';
import type { ServiceRt } from './connection.ts';
import { handleUpgrade } from './upgrade.ts';
import type { Acceptance, PendingUpgrade, UpgradeHost } from './upgrade.ts';
import { callState, deliverLocal } from './services.ts';
import type { RouteGuard } from './security/guards.ts';
import type { Admission } from './security/limits.ts';
import type { ChannelInfo } from './channels/hub.ts';
import { EngineCore } from './core.ts';
import { Listener } from './listener.ts';
import { eventDone, socketListeners } from './socket-events.ts';
import type { SocketListeners } from './socket-events.ts';
import * as accepting from './accept.ts';
import * as lifecycle from './lifecycle.ts';

export class Engine implements RunningFlow, BridgeSink, UpgradeHost {
  private readonly core: EngineCore;
  private readonly listener: Listener;
  /** shared by every socket of this engine (socket-events.ts) */
  private readonly listeners: SocketListeners;
  /** The designer's breakpoints and paused connections (debugger.ts, host/debug.ts). */
  private readonly debugger = new EngineDebugger((msg) => this.core.hosts.debugControl(msg));
  private stopPromise: Promise<void> | undefined;

  constructor(compiled: CompiledFlow, options: EngineOptions, workerUrl: URL) {
    const core = new EngineCore(compiled, options, workerUrl, this);
    this.core = core;
    this.listeners = socketListeners(core);
    this.listener = new Listener({
      options,
      handshakeTimeoutMs: compiled.flow.settings?.handshakeTimeoutMs,
      metrics: core.metrics,
      isRoute: (p) => core.topology.routes.some((r) => r.path.match(p)),
      upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(this, req, socket, head),
    });
  }

  get port(): number {
    return this.listener.port;
  }

  get metricsPort(): number | undefined {
    return this.listener.metricsPort;
  }

  get url(): string {
    return this.listener.url;
  }

  async listen(): Promise<void> {
    const core = this.core;
    await core.adapter.start((d) => this.deliverLocal(d));
    // Shared channels listen before the first client comes (a flow without channels skips this).
    if (core.services.some((s) => (s.spec.node.channels?.length ?? 0) > 0)) await core.channelHub().ready;
    // Accept connections only once snippets are loaded, so the first messages do not wait.
    await core.hosts.whenReady();
    await this.listener.listen(core.compiled.flow.listener.port);
  }

  // ---------------------------------------------------------------- UpgradeHost
  get stopping(): boolean {
    return this.core.stopping;
  }

  get admission(): Admission {
    return this.core.admission;
  }

  routes(): readonly RouteSpec[] {
    return this.core.topology.routes;
  }

  service(idx: number): ServiceRt {
    return this.core.services[idx] as ServiceRt;
  }

  guard(routeIdx: number): RouteGuard | undefined {
    return this.core.guards[routeIdx];
  }

  askSnippet(pending: Omit<PendingUpgrade, 'reqId'>): void {
    accepting.askSnippet(this.core, pending);
  }

  /** The client's broker subscriptions, confirmed before its 101 (the connectors make them). */
  readonly subscriptionsFor: UpgradeHost['subscriptionsFor'] = (svc, info) => this.core.connectors?.admit(svc.spec.id, info);

  accept(pending: Omit<PendingUpgrade, 'reqId'>, acceptance: Acceptance): void {
    accepting.accept(this.core, this.listeners, pending, acceptance);
  }

  rejected(path: string, status: number, reason: string, upgraderId?: string): void {
    accepting.rejected(this.core, path, status, reason, upgraderId);
  }

  // ---------------------------------------------------------------- BridgeSink
  upgradeResult(reqId: number, result: UpgradeResult): void {
    accepting.upgradeResult(this.core, this.listeners, reqId, result);
  }

  send(connNum: number, data: WireData): void {
    const rec = this.core.byNum.get(connNum);
    if (rec) this.core.sendCounted(rec, data);
  }

  done(connNum: number): void {
    const rec = this.core.byNum.get(connNum);
    if (rec) eventDone(this.core, rec);
  }

  broadcast(serviceIdx: number, data: WireData, except: string[] | null): void {
    const svc = this.core.services[serviceIdx];
    if (!svc) return;
    const d: Delivery = { service: svc.spec.id, data: wireBytes(data) };
    if (wireBinary(data)) d.binary = true;
    if (except && except.length > 0) d.except = except;
    this.core.adapter.publish(d);
  }

  sendTo(serviceIdx: number, ids: string[], data: WireData): void {
    const svc = this.core.services[serviceIdx];
    if (!svc || ids.length === 0) return;
    const d: Delivery = { service: svc.spec.id, data: wireBytes(data), to: ids };
    if (wireBinary(data)) d.binary = true;
    this.core.adapter.publish(d);
  }

  /** A broadcast or targeted send reached this instance (from the adapter): send to the local sockets. */
  private deliverLocal(d: Delivery): void {
    const core = this.core;
    const sent = deliverLocal(d, core.byId, core.byService);
    core.messagesOut += sent;
    const svc = core.byService.get(d.service);
    if (svc) svc.counts.sent += sent;
  }

  close(connNum: number, code: number, reason: string): void {
    const rec = this.core.byNum.get(connNum);
    if (!rec || !rec.open) return;
    try {
      rec.ws.close(code, reason);
    } catch (error) {
      this.note({ level: 'warn', code: 'WSF_CLOSE_INVALID', message: `conn.close(${code}): ${(error as Error).message}; closing with 1000 instead` });
      rec.ws.close(1000);
    }
  }

  state(serviceIdx: number, op: StateOp, key: string, arg: unknown): Promise<unknown> {
    return callState(this.core.adapter.state, this.core.services[serviceIdx]?.spec.id ?? '', op, key, arg);
  }

  count(serviceIdx: number): Promise<number> {
    return this.core.adapter.connectionCount(this.core.services[serviceIdx]?.spec.id ?? '');
  }

  connector(serviceIdx: number, connNum: number, call: ConnectorCall): Promise<unknown> {
    const core = this.core;
    if (!core.connectors) return Promise.reject(new Error('connectors are not available in this engine (started without them)'));
    const rec = connNum > 0 ? core.byNum.get(connNum) : undefined;
    return core.connectors.call(call, core.services[serviceIdx]?.spec.id ?? '', rec && core.linkOf(rec), rec?.id ?? '');
  }

  channel(serviceIdx: number, connNum: number, call: P.ChannelCall): Promise<unknown> {
    const rec = connNum > 0 ? this.core.byNum.get(connNum) : undefined;
    const svc = rec?.svc ?? this.core.services[serviceIdx];
    if (!svc) return Promise.reject(new Error('WSF_CHANNEL_NO_CONNECTION: the connection has closed'));
    return this.core.channelHub().call(svc, rec, call);
  }

  attrs(connNum: number, json: string, from: number): void {
    const rec = this.core.byNum.get(connNum);
    if (!rec) return;
    rec.info.attrs = json;
    // Every other host mirrors this connection for ctx.connections: it catches up.
    this.core.hosts.others(from, (h) => h.push2(P.EV_ATTRS, connNum, json));
  }

  debugEvent(event: DebugEvent): void {
    this.debugger.onHost(event);
  }

  debug(listener: (event: DebugEvent) => void): DebugSession {
    return this.debugger.attach(listener);
  }

  traceRecord(record: InvokeRecord): void {
    if (this.core.trace.active) this.core.trace.emit({ kind: 'invoke', ...record });
  }

  workerStats(delta: StatsDelta): void {
    this.core.metrics?.addStats(delta);
    if (this.core.trace.active) this.core.trace.addStats(delta);
  }

  note(note: EngineNote): void {
    this.core.note(note);
  }

  stuck(culprits: Culprit[], budgetMs: number, cause: StuckCause): void {
    lifecycle.quarantine(this.core, culprits, budgetMs, cause);
  }

  survivors(host: number): ReturnType<BridgeSink['survivors']> {
    return lifecycle.survivors(this.core, host);
  }

  // ---------------------------------------------------------------- RunningFlow
  subscribe(listener: (event: TraceEvent) => void, options?: TraceOptions): TraceSubscription {
    return this.core.trace.subscribe(listener, options);
  }

  /** Channels in use on this instance (the run panel; empty without channels). */
  channelStatus(): ChannelInfo[] {
    return this.core.channels?.list() ?? [];
  }

  async reload(next: CompiledFlow): Promise<void> {
    lifecycle.reload(this.core, next);
  }

  stats(): { connections: number; messagesIn: number; messagesOut: number } {
    return this.core.stats();
  }

  stop(options?: { drainTimeoutMs?: number }): Promise<void> {
    this.stopPromise ??= lifecycle.stop(this.core, this.listener, options?.drainTimeoutMs ?? this.core.compiled.flow.settings?.drainTimeoutMs ?? 5000);
    return this.stopPromise;
  }
}
