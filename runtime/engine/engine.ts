/**
 * The running engine: one http.Server, one `ws` server per service (noServer; per-service
 * maxPayload and subprotocols), sockets and cluster adapter in this thread, snippets in the
 * handler-host worker (bridge.ts). Implements RunningFlow.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { randomBytes } from 'node:crypto';
import type { DebugEvent, DebugSession } from './contracts.ts';
import type { ClientLink, ClusterAdapter, CompiledFlow, ConnectorCall, ConnectorHost, Delivery, EngineOptions, RunningFlow, SnippetFailure, TraceEvent, TraceOptions, TraceSubscription } from './contracts.ts';
import { buildTopology } from './topology.ts';
import type { RouteSpec, Topology } from './topology.ts';
import { HostPool } from './host-pool.ts';
import type { BridgeSink, Culprit, StuckCause, Survivor } from './bridge.ts';
import * as P from './host/protocol.ts';
import type { ConnDetails, ConnInfo, EngineNote, InvokeRecord, StateOp, StatsDelta, UpgradeResult } from './host/protocol.ts';
import { TraceHub } from './trace.ts';
import { EngineDebugger } from './debugger.ts';
import { completeEvent, hasUnfinished, stopSweeps } from './connection.ts';
import type { ConnRecord, ServiceRt } from './connection.ts';
import { answerPlainRequest, refuseUpgrade } from './http.ts';
import { handleUpgrade } from './upgrade.ts';
import { callState, createService, decidedProtocol, deliverLocal, sendChecked, updateService } from './services.ts';
import { chooseProtocol } from './upgrade.ts';
import { closeForPolicy } from './security/limits.ts';
import type { Acceptance, PendingUpgrade, UpgradeHost } from './upgrade.ts';
import { createMemoryAdapter } from './adapters/memory.ts';
import { buildGuards } from './security/guards.ts';
import type { RouteGuard } from './security/guards.ts';
import { Admission, connectionBucket, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './security/limits.ts';
import { defaultConnectionCap } from './security/fd-limit.ts';
import { isCredentialMarker } from './security/credentials.ts';
import { take } from './security/token-bucket.ts';
import { EngineMetrics } from './metrics/engine-metrics.ts';
import { ChannelHub } from './channels/hub.ts';
import type { ChannelInfo } from './channels/hub.ts';

/** PEM text or bytes (EngineOptions speaks Uint8Array so the renderer can read the contract without Node types). */
function pem(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
import { clientLink } from './client-link.ts';

const RECORD = Symbol('wsflow.connection');
type Wired = WebSocket & { [RECORD]?: ConnRecord };
/** Listeners `ws` calls with the socket as `this` (the record is found on it). */
interface SocketListeners {
  message: (this: WebSocket, data: Buffer, isBinary: boolean) => void;
  ping: (this: WebSocket) => void;
  pong: (this: WebSocket) => void;
  error: (this: WebSocket, error: Error) => void;
  close: (this: WebSocket, code: number, reason: Buffer) => void;
}
function recordOf(ws: WebSocket): ConnRecord {
  return (ws as Wired)[RECORD] as ConnRecord;
}

/** Unfinished events (3 slots each) per connection before its socket is no longer read, and again. */
const PAUSE_AT = 3 * 256;
const RESUME_AT = 3 * 64;
/** Heap of the handler-host worker (MiB) and how long an event may wait for a handler's promise: docs/security.md. */
const DEFAULT_HANDLER_MEMORY_MB = 512;
const DEFAULT_SETTLE_MS = 30_000;

export class Engine implements RunningFlow, BridgeSink, UpgradeHost {
  port = 0;
  metricsPort: number | undefined;
  url = '';
  stopping = false;
  private topology: Topology;
  private services: ServiceRt[] = [];
  private readonly byService = new Map<string, ServiceRt>();
  private readonly byNum = new Map<number, ConnRecord>();
  private readonly byId = new Map<string, ConnRecord>();
  /** upgrades waiting for an upgrade snippet, and the handler host running it */
  private readonly upgrades = new Map<number, PendingUpgrade & { host: number }>();
  private nextNum = 0;
  private nextReq = 0;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private messagesIn = 0;
  private messagesOut = 0;
  private openCount = 0;
  private readonly server: Server;
  /** `/metrics` on its own port (EngineOptions.metricsPort), so the public port need not expose it. */
  private readonly metricsServer: Server | undefined;
  private readonly adapter: ClusterAdapter;
  private readonly hosts: HostPool;
  private readonly trace: TraceHub;
  /** The designer's breakpoints and paused connections (debugger.ts, host/debug.ts). */
  private readonly debugger = new EngineDebugger((msg) => this.hosts.debugControl(msg));
  /** Prometheus metrics, when `options.metrics` (GET /metrics on this port) */
  private readonly metrics: EngineMetrics | undefined;
  private readonly connectors: ConnectorHost | undefined;
  /** Made on the first channel operation: a flow without channels has none. */
  private channels: ChannelHub | undefined;
  private drained: (() => void) | undefined;
  private guards: (RouteGuard | undefined)[];
  readonly admission: Admission;
  private stopPromise: Promise<void> | undefined;

  constructor(
    private compiled: CompiledFlow,
    private readonly options: EngineOptions,
    workerUrl: URL,
  ) {
    this.topology = buildTopology(compiled);
    this.guards = buildGuards(this.topology.routes, options.env ?? process.env);
    this.admission = new Admission(compiled.flow.settings?.maxConnections ?? defaultConnectionCap());
    this.adapter = options.adapter ?? createMemoryAdapter();
    this.trace = new TraceHub(
      () => ({ connections: this.openCount, messagesIn: this.messagesIn, messagesOut: this.messagesOut }),
      (on, steps) => this.hosts?.setTracing(on, steps),
    );
    for (const spec of this.topology.services) this.addService(spec);
    this.metrics = options.metrics
      ? new EngineMetrics({
          services: () => this.services.map((s) => ({ id: s.spec.id, open: s.conns.size, counts: s.counts })),
          adapterStats: () => this.adapter.stats(),
          token: options.metricsToken,
        })
      : undefined;
    this.metrics?.seedNodes(Object.keys(this.topology.program.snippets));
    this.connectors = options.connectors?.({
      flow: compiled.flow,
      env: options.env ?? process.env,
      emit: (event) => {
        if (this.trace.active) this.trace.emit(event);
      },
      delivered: (count) => (this.messagesOut += count),
    });
    const budgetMs = options.handlerBudgetMs ?? compiled.flow.settings?.handlerBudgetMs ?? 1000;
    this.hosts = new HostPool(options.handlerHosts ?? compiled.flow.settings?.handlerHosts ?? 1, {
      workerUrl,
      program: this.topology.program,
      budgetMs,
      memoryMb: options.handlerMemoryMb ?? DEFAULT_HANDLER_MEMORY_MB,
      settleMs: options.handlerSettleMs ?? DEFAULT_SETTLE_MS,
      sampleRate: options.traceSampleRate ?? 200,
      metrics: this.metrics !== undefined,
      ...(options.env ? { env: options.env } : {}),
      sink: this,
    });
    // Node drops a client that has not sent a complete request (upgrade or plain) in time: slowloris.
    const handshakeMs = compiled.flow.settings?.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    const serverOptions = { headersTimeout: handshakeMs, requestTimeout: handshakeMs, connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(handshakeMs / 4))) };
    const onRequest = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      if (!this.metricsServer && this.metrics?.handle(req, res)) return;
      answerPlainRequest(req, res, (p) => this.topology.routes.some((r) => r.path.match(p)));
    };
    this.metricsServer =
      this.metrics && options.metricsPort !== undefined
        ? createServer(serverOptions, (req, res) => {
            if (!this.metrics?.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
          })
        : undefined;
    this.server = options.tls ? createTlsServer({ ...serverOptions, cert: pem(options.tls.cert), key: pem(options.tls.key) }, onRequest) : createServer(serverOptions, onRequest);
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => handleUpgrade(this, req, socket, head));
  }

  private addService(spec: Topology['services'][number]): void {
    const svc = createService(spec, (code, message) => this.note({ level: 'warn', code, message }));
    this.services.push(svc);
    this.byService.set(spec.id, svc);
  }

  async listen(): Promise<void> {
    await this.adapter.start((d) => this.deliverLocal(d));
    // Shared channels listen before the first client comes (a flow without channels skips this).
    if (this.services.some((s) => (s.spec.node.channels?.length ?? 0) > 0)) await this.channelHub().ready;
    // Accept connections only once snippets are loaded, so the first messages do not wait.
    await this.hosts.whenReady();
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port ?? this.compiled.flow.listener.port;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    const metricsServer = this.metricsServer;
    if (metricsServer) {
      await new Promise<void>((resolve, reject) => {
        metricsServer.once('error', reject);
        metricsServer.listen(this.options.metricsPort, host, () => {
          metricsServer.off('error', reject);
          resolve();
        });
      });
      const m = metricsServer.address();
      this.metricsPort = typeof m === 'object' && m ? m.port : this.options.metricsPort;
    }
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.url = `${this.options.tls ? 'wss' : 'ws'}://${shown}:${this.port}`;
  }

  // ---------------------------------------------------------------- UpgradeHost
  routes(): readonly RouteSpec[] {
    return this.topology.routes;
  }

  service(idx: number): ServiceRt {
    return this.services[idx] as ServiceRt;
  }

  guard(routeIdx: number): RouteGuard | undefined {
    return this.guards[routeIdx];
  }

  askSnippet(pending: Omit<PendingUpgrade, 'reqId'>): void {
    const reqId = ++this.nextReq;
    const host = reqId % this.hosts.size;
    this.upgrades.set(reqId, { reqId, host, ...pending });
    pending.socket.once('close', () => this.upgrades.delete(reqId));
    this.hosts.at(host).push3(P.EV_UPGRADE, reqId, pending.route.idx, pending.info);
  }

  /** The client's broker subscriptions, confirmed before its 101 (the connectors make them). */
  readonly subscriptionsFor: UpgradeHost['subscriptionsFor'] = (svc, info) => this.connectors?.admit(svc.spec.id, info);

  upgradeResult(reqId: number, result: UpgradeResult): void {
    const pending = this.upgrades.get(reqId);
    if (!pending) return;
    this.upgrades.delete(reqId);
    const upId = pending.route.upgrader.id;
    if (!result.ok) return this.refuse(pending, 500, `upgrade refused: the upgrade snippet failed (${result.error.message})`, upId);
    const d = result.decision as { accept: boolean; status?: number; reason?: string } & Acceptance;
    if (!d.accept) {
      const status = typeof d.status === 'number' && d.status >= 400 && d.status <= 599 ? Math.floor(d.status) : 403;
      return this.refuse(pending, status, d.reason ?? 'upgrade refused', upId);
    }
    if (d.protocol !== undefined && !pending.info.protocols.includes(d.protocol)) {
      const failure: SnippetFailure = { code: 'WSF_UPGRADE_DECISION', nodeId: upId, message: `the upgrade snippet picked subprotocol "${d.protocol}", which the client did not offer` };
      this.reportFailure(failure, '', 'upgrade', 0);
      return this.refuse(pending, 500, 'upgrade refused: the upgrade snippet picked a subprotocol the client did not offer', upId);
    }
    this.accept(pending, d);
  }

  private refuse(pending: Omit<PendingUpgrade, 'reqId'>, status: number, reason: string, upgraderId?: string): void {
    refuseUpgrade(pending.socket, status, reason);
    this.rejected(pending.info.path, status, reason, upgraderId);
  }

  rejected(path: string, status: number, reason: string, upgraderId?: string): void {
    this.metrics?.upgrade(upgraderId ?? '', status);
    if (this.trace.active) this.trace.emit({ kind: 'connection', t: Date.now(), state: 'rejected', connectionId: '', upgraderId, path, status, reason });
  }

  accept(pending: Omit<PendingUpgrade, 'reqId'>, acceptance: Acceptance): void {
    const { req, socket, head, svc, info, route, granted } = pending;
    if (socket.destroyed) return;
    if (this.stopping) return this.refuse(pending, 503, 'the service is shutting down', route.upgrader.id);
    decidedProtocol.set(req, chooseProtocol(svc, info.protocols, acceptance.protocol, granted.marker));
    svc.wss.handleUpgrade(req, socket, head, (ws) => {
      const num = ++this.nextNum;
      const details: ConnDetails = { params: info.params, query: info.query, headers: info.headers };
      if (granted.auth) details.auth = granted.auth;
      const connInfo: ConnInfo = {
        id: `${this.idPrefix}-${num.toString(36)}`,
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
        frame: { frames: 0, mark: 0, since: 0 },
      };
      this.byNum.set(num, rec);
      this.byId.set(rec.id, rec);
      svc.conns.add(rec);
      this.openCount++;
      this.metrics?.upgrade(route.upgrader.id, 101);
      this.adapter.connectionOpened(svc.spec.id, rec.id);
      this.wire(rec);
      if (acceptance.firstMessage !== undefined) this.sendTo1(rec, acceptance.firstMessage);
      this.connectors?.opened(svc.spec.id, () => this.linkOf(rec));
      if (this.trace.active) {
        this.trace.emit({ kind: 'connection', t: Date.now(), state: 'open', connectionId: rec.id, serviceId: svc.spec.id, upgraderId: route.upgrader.id, path: info.path });
      }
      this.hosts.others(this.hosts.indexOf(num), (h) => h.push2(P.EV_RESTORE, num, connInfo));
      this.forward(rec, P.EV_OPEN, connInfo);
    });
  }

  // ---------------------------------------------------------------- sockets (hot path)
  private forward(rec: ConnRecord, op: number, a: unknown): void {
    rec.events.push(op, a, undefined);
    this.hosts.of(rec.num).push2(op, rec.num, a);
    if (rec.events.length - rec.head > PAUSE_AT) rec.ws.pause();
  }

  /**
   * The socket listeners, made once per engine and shared by every connection (each finds its
   * record on the socket): per-connection closures would cost every idle connection ~0.4 KiB.
   */
  private readonly listeners: SocketListeners = ((engine: Engine): SocketListeners => ({
    message(this: WebSocket, data: Buffer, isBinary: boolean) {
      engine.onMessage(recordOf(this), data, isBinary);
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
      if (!rec.quarantined) engine.forward(rec, P.EV_SOCKERR, error.message);
    },
    close(this: WebSocket, code: number, reason: Buffer) {
      engine.onClose(recordOf(this), code, reason.toString());
    },
  }))(this);

  private wire(rec: ConnRecord): void {
    const ws = rec.ws as Wired;
    ws[RECORD] = rec;
    const l = this.listeners;
    ws.on('message', l.message);
    ws.on('ping', l.ping);
    ws.on('pong', l.pong);
    ws.on('error', l.error);
    ws.on('close', l.close);
  }

  private onMessage(rec: ConnRecord, data: Buffer, isBinary: boolean): void {
    const svc = rec.svc;
    this.messagesIn++;
    rec.frame.frames++;
    svc.counts.received++;
    if (svc.idleMs > 0) rec.lastSeen = Date.now();
    if (rec.quarantined || rec.cut) return;
    if (rec.bucket && !take(rec.bucket, Date.now())) return this.overRate(rec);
    // Only a connection that bindings were set up for has a link and something to forward to.
    if (rec.link) this.connectors?.fromClient(rec.num, data, isBinary);
    // No handler for this frame type (a pure proxy or bridge): nothing to run, no thread hop.
    const handlers = svc.spec.handlers;
    if (isBinary) {
      if (handlers.onBinary) this.forward(rec, P.EV_BINARY, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
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
    rec.events.push(P.EV_TEXT, text, undefined);
    this.hosts.of(rec.num).push2(P.EV_TEXT, rec.num, text);
    // Backpressure: a peer that sends faster than its handler runs stops being read.
    if (rec.events.length - rec.head > PAUSE_AT) rec.ws.pause();
  }

  private onClose(rec: ConnRecord, code: number, why: string): void {
    const svc = rec.svc;
    rec.open = false;
    svc.conns.delete(rec);
    this.openCount--;
    this.adapter.connectionClosed(svc.spec.id, rec.id);
    this.connectors?.closed(rec.num, code, why);
    this.channels?.closed(rec);
    if (this.trace.active) {
      this.trace.emit({ kind: 'connection', t: Date.now(), state: 'close', connectionId: rec.id, serviceId: svc.spec.id, path: rec.info.path, code, reason: why });
    }
    if (rec.quarantined) this.forget(rec);
    else {
      rec.events.push(P.EV_CLOSE, code, why);
      this.hosts.of(rec.num).push3(P.EV_CLOSE, rec.num, code, why);
    }
    this.hosts.others(this.hosts.indexOf(rec.num), (h) => h.push1(P.EV_FORGET, rec.num));
  }

  /** What connectors see of a connection, made on first use. */
  private linkOf(rec: ConnRecord): ClientLink {
    rec.link ??= clientLink(rec, () => this.messagesOut++, (r) => r.events.length - r.head < RESUME_AT);
    return rec.link;
  }

  private overRate(rec: ConnRecord): void {
    const limits = rec.svc.admission.limits;
    rec.cut = true;
    this.note({ level: 'warn', code: 'WSF_RATE_LIMITED', message: `connection ${rec.id}: over ${limits.rate} messages/s (burst ${limits.burst}); closed with 1008` });
    closeForPolicy(rec.ws, `message rate over ${limits.rate}/s`);
  }

  private sendTo1(rec: ConnRecord, data: string | Uint8Array): void {
    if (rec.open && sendChecked(rec, data, typeof data !== 'string')) {
      this.messagesOut++;
      rec.svc.counts.sent++;
    }
  }

  private forget(rec: ConnRecord): void {
    this.byNum.delete(rec.num);
    this.byId.delete(rec.id);
    if (this.drained && this.byNum.size === 0) this.drained();
  }

  // ---------------------------------------------------------------- BridgeSink
  send(connNum: number, data: string | Uint8Array): void {
    const rec = this.byNum.get(connNum);
    if (rec && rec.open && sendChecked(rec, data, typeof data !== 'string')) {
      this.messagesOut++;
      rec.svc.counts.sent++;
    }
  }

  done(connNum: number): void {
    const rec = this.byNum.get(connNum);
    if (!rec) return;
    if (completeEvent(rec)) {
      if (!rec.open) this.forget(rec);
      else if (rec.ws.isPaused && !rec.held) rec.ws.resume();
    } else if (rec.ws.isPaused && !rec.held && rec.events.length - rec.head < RESUME_AT) rec.ws.resume();
  }

  broadcast(serviceIdx: number, data: string | Uint8Array, except: string[] | null): void {
    const svc = this.services[serviceIdx];
    if (!svc) return;
    const d: Delivery = typeof data === 'string' ? { service: svc.spec.id, data } : { service: svc.spec.id, data: Buffer.from(data).toString('base64'), binary: true };
    if (except && except.length > 0) d.except = except;
    this.adapter.publish(d);
  }

  sendTo(serviceIdx: number, ids: string[], data: string | Uint8Array): void {
    const svc = this.services[serviceIdx];
    if (!svc || ids.length === 0) return;
    const d: Delivery = typeof data === 'string' ? { service: svc.spec.id, data, to: ids } : { service: svc.spec.id, data: Buffer.from(data).toString('base64'), binary: true, to: ids };
    this.adapter.publish(d);
  }

  private deliverLocal(d: Delivery): void {
    const sent = deliverLocal(d, this.byId, this.byService);
    this.messagesOut += sent;
    const svc = this.byService.get(d.service);
    if (svc) svc.counts.sent += sent;
  }

  close(connNum: number, code: number, reason: string): void {
    const rec = this.byNum.get(connNum);
    if (!rec || !rec.open) return;
    try {
      rec.ws.close(code, reason);
    } catch (error) {
      this.note({ level: 'warn', code: 'WSF_CLOSE_INVALID', message: `conn.close(${code}): ${(error as Error).message}; closing with 1000 instead` });
      rec.ws.close(1000);
    }
  }

  state(serviceIdx: number, op: StateOp, key: string, arg: unknown): Promise<unknown> {
    return callState(this.adapter.state, this.services[serviceIdx]?.spec.id ?? '', op, key, arg);
  }

  count(serviceIdx: number): Promise<number> {
    return this.adapter.connectionCount(this.services[serviceIdx]?.spec.id ?? '');
  }

  connector(serviceIdx: number, connNum: number, call: ConnectorCall): Promise<unknown> {
    if (!this.connectors) return Promise.reject(new Error('connectors are not available in this engine (started without them)'));
    const rec = connNum > 0 ? this.byNum.get(connNum) : undefined;
    return this.connectors.call(call, this.services[serviceIdx]?.spec.id ?? '', rec && this.linkOf(rec), rec?.id ?? '');
  }

  channel(serviceIdx: number, connNum: number, call: P.ChannelCall): Promise<unknown> {
    const rec = connNum > 0 ? this.byNum.get(connNum) : undefined;
    const svc = rec?.svc ?? this.services[serviceIdx];
    if (!svc) return Promise.reject(new Error('WSF_CHANNEL_NO_CONNECTION: the connection has closed'));
    return this.channelHub().call(svc, rec, call);
  }

  private channelHub(): ChannelHub {
    this.channels ??= new ChannelHub((service, count) => {
      this.messagesOut += count;
      const counts = this.byService.get(service)?.counts;
      if (counts) counts.sent += count;
    }, this.adapter.channels?.());
    return this.channels;
  }

  /** Channels in use on this instance (the run panel; empty without channels). */
  channelStatus(): ChannelInfo[] {
    return this.channels?.list() ?? [];
  }

  attrs(connNum: number, json: string, from: number): void {
    const rec = this.byNum.get(connNum);
    if (!rec) return;
    rec.info.attrs = json;
    // Every other host mirrors this connection for ctx.connections: it catches up.
    this.hosts.others(from, (h) => h.push2(P.EV_ATTRS, connNum, json));
  }

  debugEvent(event: DebugEvent): void {
    this.debugger.onHost(event);
  }

  debug(listener: (event: DebugEvent) => void): DebugSession {
    return this.debugger.attach(listener);
  }

  traceRecord(record: InvokeRecord): void {
    if (this.trace.active) this.trace.emit({ kind: 'invoke', ...record });
  }

  workerStats(delta: StatsDelta): void {
    this.metrics?.addStats(delta);
    if (this.trace.active) this.trace.addStats(delta);
  }

  note(note: EngineNote): void {
    if (this.trace.active) this.trace.emit({ kind: 'engine', t: Date.now(), level: note.level, code: note.code, message: note.message, nodeId: note.nodeId });
  }

  /** `ranMs`: how long the snippet is known to have run (a timeout: its whole budget; a crash: unknown, 0). */
  private reportFailure(error: SnippetFailure, connectionId: string, event: TraceEvent & { kind: 'invoke' } extends { event: infer E } ? E : never, ranMs: number): void {
    if (error.nodeId) this.metrics?.handlerError(error.nodeId);
    if (this.trace.active) this.trace.emit({ kind: 'invoke', t: Date.now(), nodeId: error.nodeId, connectionId, event, durationMs: ranMs, logs: [], error });
  }

  stuck(culprits: Culprit[], budgetMs: number, cause: StuckCause): void {
    const crashed = cause.kind === 'crash' ? cause.why : undefined;
    const timer = cause.kind === 'timer';
    const message = crashed
      ? `the handler host ${crashed} while this snippet ran`
      : timer
        ? `timers of this snippet kept the handler host busy more than half of the time and were stopped`
        : `the snippet did not return within ${budgetMs} ms and was stopped`;
    const code = crashed ? 'WSF_HOST_CRASHED' : timer ? 'WSF_SNIPPET_TIMER_HOG' : 'WSF_SNIPPET_TIMEOUT';
    const ranMs = cause.kind === 'timeout' ? budgetMs : 0;
    if (crashed || timer) {
      // already reported as an engine event by the bridge
    } else if (culprits.length === 0) {
      this.note({ level: 'error', code: 'WSF_SNIPPET_TIMEOUT', message: `${message} (it ran outside any handler, e.g. in a timer)` });
    }
    for (const c of culprits) {
      const failure: SnippetFailure = { code, nodeId: c.nodeId ?? '', message };
      if (c.kind === 'load') {
        const what = crashed ? `stopped the handler host (${crashed})` : timer ? 'started timers that hogged the handler host' : `did not finish within ${budgetMs} ms`;
        this.note({ level: 'error', code, nodeId: c.nodeId, message: `the module code of the snippet ${what}; the snippet is disabled until the next reload` });
        continue;
      }
      if (c.kind === 'upgrade') {
        const pending = this.upgrades.get(c.id);
        this.upgrades.delete(c.id);
        this.reportFailure(failure, '', 'upgrade', ranMs);
        if (pending) this.refuse(pending, 500, `upgrade refused: the upgrade snippet ${crashed ? 'crashed' : timer ? 'hogged the handler host' : 'timed out'}`, pending.route.upgrader.id);
        continue;
      }
      const rec = this.byNum.get(c.id);
      if (!rec) continue;
      const op = rec.events[rec.head];
      const event = op === P.EV_OPEN ? 'open' : op === P.EV_BINARY ? 'binary' : op === P.EV_CLOSE ? 'close' : op === P.EV_SOCKERR ? 'error' : 'text';
      this.reportFailure(failure, rec.id, event, ranMs);
      rec.quarantined = true;
      rec.events.length = 0;
      rec.head = 0;
      if (rec.ws.isPaused) rec.ws.resume(); // the close handshake needs reading
      if (rec.open) rec.ws.close(1011, crashed ? 'handler crashed' : timer ? 'handler timers hogged the server' : 'handler timed out');
      else this.forget(rec);
    }
  }

  survivors(host: number): ReturnType<BridgeSink['survivors']> {
    const connections: Survivor[] = [];
    for (const rec of this.byNum.values()) {
      const own = this.hosts.indexOf(rec.num) === host;
      // A closed connection still has its close event to run on its own host; mirrors are dropped.
      if (rec.quarantined || (!own && !rec.open)) continue;
      connections.push({ num: rec.num, info: rec.info, events: rec.events, eventsHead: rec.head, own });
    }
    const upgrades = [...this.upgrades.values()].filter((u) => u.host === host).map((u) => ({ reqId: u.reqId, upgraderIdx: u.route.idx, info: u.info }));
    return { connections, upgrades };
  }

  // ---------------------------------------------------------------- RunningFlow
  subscribe(listener: (event: TraceEvent) => void, options?: TraceOptions): TraceSubscription {
    return this.trace.subscribe(listener, options);
  }

  async reload(next: CompiledFlow): Promise<void> {
    const topology = buildTopology(next);
    this.guards = buildGuards(topology.routes, this.options.env ?? process.env);
    this.compiled = next;
    this.topology = topology;
    // Services are matched by id; their connections stay open. New ones start serving,
    // removed ones close their connections with 1001.
    const previous = new Map(this.services.map((s) => [s.spec.id, s]));
    this.services = [];
    this.byService.clear();
    for (const spec of topology.services) {
      const svc = previous.get(spec.id);
      previous.delete(spec.id);
      if (!svc) {
        this.addService(spec);
        continue;
      }
      updateService(svc, spec);
      this.services.push(svc);
      this.byService.set(spec.id, svc);
    }
    for (const gone of previous.values()) {
      stopSweeps(gone);
      for (const rec of gone.conns) rec.ws.close(1001, 'service removed');
    }
    for (const rec of this.byNum.values()) rec.info.serviceIdx = rec.svc.spec.idx;
    this.metrics?.seedNodes(Object.keys(topology.program.snippets));
    this.hosts.reload(topology.program);
    this.connectors?.reload(next.flow);
  }

  stats(): { connections: number; messagesIn: number; messagesOut: number } {
    return { connections: this.openCount, messagesIn: this.messagesIn, messagesOut: this.messagesOut };
  }

  stop(options?: { drainTimeoutMs?: number }): Promise<void> {
    this.stopPromise ??= this.doStop(options?.drainTimeoutMs ?? this.compiled.flow.settings?.drainTimeoutMs ?? 5000);
    return this.stopPromise;
  }

  private async doStop(drainMs: number): Promise<void> {
    this.stopping = true;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const pending of this.upgrades.values()) this.refuse(pending, 503, 'the service is shutting down', pending.route.upgrader.id);
    this.upgrades.clear();
    for (const rec of this.byNum.values()) if (rec.open) rec.ws.close(1001, 'server shutting down');
    if (this.byNum.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const rec of this.byNum.values()) if (rec.open || hasUnfinished(rec)) rec.ws.terminate();
    for (const svc of this.services) {
      stopSweeps(svc);
      svc.wss.close();
    }
    this.server.closeAllConnections();
    if (this.metricsServer?.listening) {
      const metricsClosed = new Promise<void>((resolve) => this.metricsServer?.close(() => resolve()));
      this.metricsServer.closeAllConnections();
      await metricsClosed;
    }
    await serverClosed;
    await this.hosts.close();
    await this.connectors?.close();
    await this.channels?.close();
    this.trace.close();
    await this.adapter.close();
  }
}
