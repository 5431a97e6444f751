/**
 * The engine's shared state: services, connection records, counters, and the parts built from
 * the flow (topology, handler hosts, adapter, trace, metrics, connectors). The engine's units
 * (listener.ts, accept.ts, socket-events.ts, lifecycle.ts) each take this one object; the few
 * operations more than one of them needs live here.
 */
import { wireBinary, wireBytes } from './host/wire.ts';
import type { WireData } from './host/wire.ts';
import { randomBytes } from 'node:crypto';
import type { ClientLink, ClusterAdapter, CompiledFlow, ConnectorHost, EngineOptions, SnippetFailure, TraceEvent } from './contracts.ts';
import { buildTopology } from './topology.ts';
import type { Topology } from './topology.ts';
import { HostPool } from './host-pool.ts';
import type { BridgeSink } from './bridge.ts';
import type { EngineNote } from './host/protocol.ts';
import { TraceHub } from './trace.ts';
import { payloadBytes } from './connection.ts';
import type { ConnRecord, ServiceRt } from './connection.ts';
import { createService, sendChecked } from './services.ts';
import type { PendingUpgrade } from './upgrade.ts';
import { createMemoryAdapter } from './adapters/memory.ts';
import { buildGuards } from './security/guards.ts';
import type { RouteGuard } from './security/guards.ts';
import { Admission } from './security/limits.ts';
import { defaultConnectionCap } from './security/fd-limit.ts';
import { EngineMetrics } from './metrics/engine-metrics.ts';
import { ChannelHub } from './channels/hub.ts';
import { clientLink } from './client-link.ts';

/** Unfinished events (3 slots each) per connection before its socket is no longer read, and again. */
export const PAUSE_AT = 3 * 256;
export const RESUME_AT = 3 * 64;
/**
 * And by bytes: 256 pending events of large messages would hold 256 of them (for replay after a
 * handler-host restart), so a connection also stops being read while its unfinished events hold
 * more than PAUSE_BYTES, until they are under RESUME_BYTES.
 */
export const PAUSE_BYTES = 8 * 1024 * 1024;
export const RESUME_BYTES = 2 * 1024 * 1024;

/** The socket may be read again: few unfinished events, holding few bytes. */
export function backlogLow(rec: ConnRecord): boolean {
  return rec.events.length - rec.head < RESUME_AT && rec.pendingBytes < RESUME_BYTES;
}
/** Heap of the handler-host worker (MiB) and how long an event may wait for a handler's promise: docs/security.md. */
const DEFAULT_HANDLER_MEMORY_MB = 512;
const DEFAULT_SETTLE_MS = 30_000;

/** The `event` field of an invoke trace event. */
export type InvokeEventName = TraceEvent & { kind: 'invoke' } extends { event: infer E } ? E : never;

export class EngineCore {
  stopping = false;
  topology: Topology;
  services: ServiceRt[] = [];
  readonly byService = new Map<string, ServiceRt>();
  readonly byNum = new Map<number, ConnRecord>();
  readonly byId = new Map<string, ConnRecord>();
  /** upgrades waiting for an upgrade snippet, and the handler host running it */
  readonly upgrades = new Map<number, PendingUpgrade & { host: number }>();
  nextNum = 0;
  nextReq = 0;
  readonly idPrefix = randomBytes(4).toString('hex');
  messagesIn = 0;
  messagesOut = 0;
  openCount = 0;
  readonly adapter: ClusterAdapter;
  readonly hosts: HostPool;
  readonly trace: TraceHub;
  /** Prometheus metrics, when `options.metrics` (GET /metrics on this port) */
  readonly metrics: EngineMetrics | undefined;
  readonly connectors: ConnectorHost | undefined;
  /** Made on the first channel operation: a flow without channels has none. */
  channels: ChannelHub | undefined;
  /** called by `forget` once the last record is gone while stopping */
  drained: (() => void) | undefined;
  guards: (RouteGuard | undefined)[];
  readonly admission: Admission;

  constructor(
    public compiled: CompiledFlow,
    readonly options: EngineOptions,
    workerUrl: URL,
    sink: BridgeSink,
  ) {
    this.topology = buildTopology(compiled);
    this.guards = buildGuards(this.topology.routes, options.env ?? process.env);
    this.admission = new Admission(compiled.flow.settings?.maxConnections ?? defaultConnectionCap());
    this.adapter = options.adapter ?? createMemoryAdapter();
    this.trace = new TraceHub(
      () => this.stats(),
      (on, steps) => this.hosts?.setTracing(on, steps),
    );
    for (const spec of this.topology.services) this.addService(spec);
    this.metrics = options.metrics
      ? new EngineMetrics({
          services: () => this.services.map((s) => ({ id: s.spec.id, open: s.conns.size, counts: s.counts })),
          adapterStats: () => this.adapter.stats(),
          connectorDrops: () => this.connectors?.drops() ?? [],
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
      sink,
    });
  }

  stats(): { connections: number; messagesIn: number; messagesOut: number } {
    return { connections: this.openCount, messagesIn: this.messagesIn, messagesOut: this.messagesOut };
  }

  addService(spec: Topology['services'][number]): void {
    const svc = createService(spec, (code, message) => this.note({ level: 'warn', code, message }));
    this.services.push(svc);
    this.byService.set(spec.id, svc);
  }

  note(note: EngineNote): void {
    if (this.trace.active) this.trace.emit({ kind: 'engine', t: Date.now(), level: note.level, code: note.code, message: note.message, nodeId: note.nodeId });
  }

  /** `ranMs`: how long the snippet is known to have run (a timeout: its whole budget; a crash: unknown, 0). */
  reportFailure(error: SnippetFailure, connectionId: string, event: InvokeEventName, ranMs: number): void {
    if (error.nodeId) this.metrics?.handlerError(error.nodeId);
    if (this.trace.active) this.trace.emit({ kind: 'invoke', t: Date.now(), nodeId: error.nodeId, connectionId, event, durationMs: ranMs, logs: [], error });
  }

  /** Hand one event of `rec` to its handler host; kept until DONE so a respawned worker can replay it. */
  forward(rec: ConnRecord, op: number, a: unknown): void {
    rec.events.push(op, a, undefined);
    this.hosts.of(rec.num).push2(op, rec.num, a);
    // Backpressure: a peer that sends faster than its handler runs stops being read.
    if (rec.events.length - rec.head > PAUSE_AT) rec.ws.pause();
  }

  /** forward() for a message payload, counted in the connection's pending bytes. */
  forwardPayload(rec: ConnRecord, op: number, payload: string | Uint8Array): void {
    rec.pendingBytes += payloadBytes(payload);
    this.forward(rec, op, payload);
    if (rec.pendingBytes > PAUSE_BYTES) rec.ws.pause();
  }

  /** A handler's send to one connection, counted when it went out. */
  sendCounted(rec: ConnRecord, data: WireData): void {
    if (rec.open && sendChecked(rec, wireBytes(data), wireBinary(data))) {
      this.messagesOut++;
      rec.svc.counts.sent++;
    }
  }

  /** The record is done with (closed and its events finished, or quarantined and closed). */
  forget(rec: ConnRecord): void {
    this.byNum.delete(rec.num);
    this.byId.delete(rec.id);
    if (this.drained && this.byNum.size === 0) this.drained();
  }

  /** What connectors see of a connection, made on first use. */
  linkOf(rec: ConnRecord): ClientLink {
    rec.link ??= clientLink(
      rec,
      () => {
        this.messagesOut++;
        rec.svc.counts.sent++;
      },
      backlogLow,
    );
    return rec.link;
  }

  channelHub(): ChannelHub {
    this.channels ??= new ChannelHub((service, count) => {
      this.messagesOut += count;
      const counts = this.byService.get(service)?.counts;
      if (counts) counts.sent += count;
    }, this.adapter.channels?.());
    return this.channels;
  }
}
