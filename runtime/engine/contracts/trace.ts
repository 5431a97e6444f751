/**
 * The trace: an observable stream of what the engine does. Invocation events are sampled under
 * load (errors and logs are never dropped); `summary` events aggregate everything every interval.
 */
import type { InputPreview } from '../../model/input-preview.ts';

export type EngineEvent = 'upgrade' | 'open' | 'text' | 'binary' | 'close' | 'error';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  /** ms since epoch */
  t: number;
}

/**
 * A snippet failure, located in the snippet's own TypeScript; in a chain, on the action node
 * (`nodeId`) and the field whose expression failed (`field`), never on a generated line.
 */
export interface SnippetFailure {
  /** `WSF_SNIPPET_THROW`, `WSF_SNIPPET_TIMEOUT`, `WSF_SNIPPET_REJECTED`, ... (docs/errors.md) */
  code: string;
  nodeId: string;
  message: string;
  /** A chain's action node failed in this field (absent: in the code the compiler wrote around fields). */
  field?: string;
  /** 1-based line and column in the snippet's code (a `code` step: in its `code` field), when known. */
  line?: number;
  col?: number;
  stack?: string;
}

/** One action node a chain ran: the branch a branching node took, and how long the step took. */
export interface ChainStep {
  nodeId: string;
  port?: string;
  ms: number;
}

/** What a trace subscriber asks for. */
export interface TraceOptions {
  /**
   * Record the action nodes each chain invocation runs (`steps` of `invoke` events). Costs a
   * clock read per step while any subscriber asks for it, nothing otherwise.
   */
  steps?: boolean;
}

export type TraceEvent =
  | {
      kind: 'invoke';
      t: number;
      nodeId: string;
      connectionId: string;
      event: EngineEvent;
      /** How long the handler ran; a timed-out one reports the budget it used up, a crashed one 0 (unknown). */
      durationMs: number;
      logs: LogEntry[];
      error?: SnippetFailure;
      /** The message the handler got (text and binary events), cut short (model/input-preview.ts); only on traced invocations. */
      input?: InputPreview;
      /** A chain's action nodes that ran, in order (only while a subscriber asks for steps). */
      steps?: ChainStep[];
    }
  | {
      kind: 'connection';
      t: number;
      state: 'open' | 'close' | 'rejected';
      connectionId: string;
      serviceId?: string;
      upgraderId?: string;
      path: string;
      code?: number;
      reason?: string;
      /** HTTP status for `rejected`. */
      status?: number;
    }
  | {
      kind: 'summary';
      t: number;
      windowMs: number;
      connections: number;
      messagesIn: number;
      messagesOut: number;
      /** Invocations that happened but were not sent as individual `invoke` events. */
      sampledOut: number;
      /** `buckets`: invocations per duration bucket, upper bounds in BUCKET_BOUNDS_MS (engine/metrics/buckets.ts) */
      perNode: Record<string, { count: number; errors: number; totalMs: number; maxMs: number; buckets?: number[] }>;
    }
  | { kind: 'engine'; t: number; level: 'info' | 'warn' | 'error'; code: string; message: string; nodeId?: string }
  | OutboundEvent
  | ConnectorStateEvent;

/** Where a connector node's link to its broker or backend stands (`down`: the last attempt failed; retries go on). */
export type ConnectorLinkState = 'connecting' | 'connected' | 'reconnecting' | 'down';

/**
 * A connector node's live state, for the designer's card: sent at once when the state changes,
 * and at most twice a second while its counts change (never once per message).
 */
export interface ConnectorStateEvent {
  kind: 'connector';
  t: number;
  nodeId: string;
  state: ConnectorLinkState;
  /** why it is not connected (the broker's or backend's error) */
  reason?: string;
  /** since the flow started: messages from the far side (broker deliveries to clients, backend frames to clients) */
  messagesIn: number;
  /** since the flow started: messages to the far side (publishes, frames to the backend) */
  messagesOut: number;
  /** On a recovery: the codes of the outage's errors it ends (the designer clears them from the node). */
  recovered?: string[];
}

/** One outbound call of a connector (an HTTP request, a broker publish, a backend handshake). */
export interface OutboundEvent {
  kind: 'outbound';
  t: number;
  nodeId: string;
  /** `http`, `mqtt`, `redis`, `wsBackend` */
  connector: string;
  /** `GET https://api/x`, `publish sensors/a`, `connect ws://backend/` (never credentials) */
  target: string;
  connectionId?: string;
  durationMs: number;
  ok: boolean;
  /** `200`, `published`, `open`, or the error */
  result: string;
}

export interface TraceSubscription {
  unsubscribe(): void;
}
