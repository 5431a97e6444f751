/**
 * Contracts of the engine that other modules (CLI, studio, exporters, cluster adapters) rely on.
 * Implementation lives beside this file; nothing here knows about the studio or the CLI.
 * This file holds the compiled flow, the engine's options and the running flow; the contracts by
 * topic (cluster adapter, trace, connectors, debugger) are in contracts/ and re-exported here, so
 * callers import from one place.
 */
import type { FlowDocument } from '../model/types.ts';
import type { InputPreview } from '../model/input-preview.ts';
import type { ChannelStatus, ClusterAdapter } from './contracts/cluster.ts';
import type { TraceEvent, TraceOptions, TraceSubscription } from './contracts/trace.ts';
import type { ConnectorHostFactory } from './contracts/connectors.ts';
import type { DebugEvent, DebugSession } from './contracts/debug.ts';

export type { InputPreview };
export type * from './contracts/cluster.ts';
export type * from './contracts/trace.ts';
export type * from './contracts/connectors.ts';
export type * from './contracts/debug.ts';

/** JS produced from one snippet (esbuild, CommonJS, with an inline source map). */
export interface CompiledSnippet {
  nodeId: string;
  /** CommonJS module text; `module.exports.default` is the handler. */
  js: string;
  /** Source map JSON (v3) from `js` back to the snippet's TypeScript. */
  map: string;
  /** When the snippet is a chain's generated code: where each action node and field landed in it. */
  chain?: ChainMap;
  /** A chain's debugging variant (run only while the designer has breakpoints; docs/designer.md#debugging). */
  debug?: DebugVariant;
}

/** A chain compiled so that it can pause at its action nodes (lowcode/compile.ts `debug`). */
export interface DebugVariant {
  js: string;
  map: string;
  chain: ChainMap;
}

/**
 * Where the action nodes of a chain are in its generated TypeScript, so that a failure located
 * there (through the source map) is reported on the node and field instead of a generated line.
 * Offsets are in the generated text; `lineStarts[i]` is where its line i + 1 starts.
 */
export interface ChainMap {
  lineStarts: number[];
  /** Field values copied into the code (`code`: a snippet step's code, whose own lines count). */
  fields: { nodeId: string; field: string; code: boolean; start: number; end: number }[];
  /** Each action node's own code (a branching node's contains its branches; the innermost wins). */
  nodes: { nodeId: string; start: number; end: number }[];
}

/** A flow plus its compiled snippets: what the engine runs and what an export bundles. */
export interface CompiledFlow {
  flow: FlowDocument;
  snippets: Record<string, CompiledSnippet>;
}

export interface EngineOptions {
  /** Outbound integrations (runtime/connectors: `createConnectors`); without it, connector calls fail. */
  connectors?: ConnectorHostFactory;
  /** Overrides `flow.listener.port`; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  adapter?: ClusterAdapter;
  /** Overrides `flow.settings.handlerBudgetMs`. */
  handlerBudgetMs?: number;
  /** Heap limit of the handler-host worker in MiB (default 512): a snippet that allocates past it ends only the worker. */
  handlerMemoryMb?: number;
  /**
   * Handler-host workers serving the connections (overrides `flow.settings.handlerHosts`, default
   * 1): with more, a runaway or crashing snippet stalls only the connections of its host
   * (docs/security.md, docs/benchmarks.md for what it costs).
   */
  handlerHosts?: number;
  /** How long one event of a connection may wait for its handler's promise before the connection is closed with 1011 (ms, default 30000). */
  handlerSettleMs?: number;
  /** Where the handler-host worker script is (the exported bundle passes its own). */
  hostWorkerUrl?: URL;
  /** Max individual `invoke` trace events per second (default 200); summaries every 250 ms. */
  traceSampleRate?: number;
  /** Serve `wss://` with this certificate chain and private key (PEM). */
  tls?: { cert: string | Uint8Array; key: string | Uint8Array };
  /**
   * Where `${env.NAME}` is read from: auth fields, connector fields and the snippets' `ctx.env`
   * (default `process.env`; the studio passes its environment plus the session's values).
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Serve Prometheus metrics at `GET /metrics` on the listener port (default off here; `wsflow run`
   * and the exported service turn it on unless `WSFLOW_METRICS=off`, see metrics/settings.ts).
   */
  metrics?: boolean;
  /** With `metrics`: `/metrics` needs `Authorization: Bearer <token>` (else 401). */
  metricsToken?: string;
  /** With `metrics`: serve `/metrics` on this port (plain HTTP, same host) instead of the listener's (0 = any free port). */
  metricsPort?: number;
}

export interface RunningFlow {
  readonly port: number;
  /** The port `/metrics` is served on when `metricsPort` was given. */
  readonly metricsPort?: number;
  /** `ws://127.0.0.1:PORT` (host as bound; 0.0.0.0 is shown as 127.0.0.1). */
  readonly url: string;
  subscribe(listener: (event: TraceEvent) => void, options?: TraceOptions): TraceSubscription;
  /** Hot reload: replace snippets; applies to the next event, open connections stay open. */
  reload(next: CompiledFlow): Promise<void>;
  stats(): { connections: number; messagesIn: number; messagesOut: number };
  /** Channels in use on this instance (docs/channels.md); empty without channels. */
  channelStatus?(): ChannelStatus[];
  /** Attach the debugger (one at a time: a new one replaces the previous); `listener` hears pauses and resumes. */
  debug?(listener: (event: DebugEvent) => void): DebugSession;
  /** Close every client with 1001, wait for in-flight handlers (bounded by drain), stop. */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
}
