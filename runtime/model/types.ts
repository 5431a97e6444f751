/**
 * The flow document (`*.wsflow.yaml`), as plain data.
 *
 * This module is pure: no `node:` imports and no DOM, because the engine, the exporters and the
 * canvas all share it. Unknown extra keys that a user wrote by hand are allowed at every level and
 * must survive a load/save round trip, so every object type is open (`[key: string]: unknown`)
 * where a person might add their own notes.
 */
import type { ChannelDecl } from './channels.ts';
import type { ConnectorNode } from './connectors.ts';
import type { ActionType } from './registry.ts';
import { HANDLER_EVENTS, type HandlerEvent } from './node-kind.ts';

export { HANDLER_EVENTS, type HandlerEvent } from './node-kind.ts';
export { ACTION_TYPES, NODE_TYPES, isActionType, type ActionType, type NodeType } from './registry.ts';

export const FLOW_FORMAT_VERSION = 1;

export interface Position {
  x: number;
  y: number;
}

/** A declared query parameter or header of the upgrade request. */
export interface ParamSpec {
  type: 'string' | 'integer' | 'number' | 'boolean';
  required?: boolean;
  description?: string;
  /** Used when the parameter is absent (only for query parameters that are not required). */
  default?: string | number | boolean;
  [extra: string]: unknown;
}

/** One message shape in one direction, used for AsyncAPI export and optional validation. */
export interface MessageSpec {
  name: string;
  title?: string;
  description?: string;
  /** `application/json` (default when `schema.type` is object/array) or `text/plain`. */
  contentType?: string;
  /** A JSON Schema (draft-07 subset that AsyncAPI 2.6 accepts). */
  schema?: Record<string, unknown>;
  [extra: string]: unknown;
}

/**
 * Credentials an upgrader requires (docs/security.md). String fields may hold `${env.NAME}`
 * references, resolved from the environment when the flow starts.
 */
export interface AuthSpec {
  type: 'jwt' | 'apiKey';
  /** jwt: shared secret for HS256/384/512. */
  secret?: string;
  /** jwt: JSON Web Key Set URL for RS*, PS* and ES* tokens. */
  jwksUrl?: string;
  /** jwt: required `iss`, checked when given. */
  issuer?: string;
  /** jwt: required `aud`, checked when given. */
  audience?: string;
  /** jwt: tolerated clock difference for `exp`/`nbf`, in seconds (default 30). */
  clockSkewSec?: number;
  /** jwt: refuse tokens without `exp` (default false). */
  requireExp?: boolean;
  /** apiKey: accepted keys, comma-separated (usually `${env.API_KEYS}`). */
  keys?: string;
  /** apiKey: request header that carries the key (default `x-api-key`). */
  header?: string;
  [extra: string]: unknown;
}

/** Per-service limits; the defaults (docs/security.md) apply when a field is absent. */
export interface LimitsSpec {
  /** Open (and opening) connections of this service; more -> 503 before the upgrade. */
  maxConnections?: number;
  /** Connections of this service from one remote address; more -> 429 before the upgrade. */
  maxConnectionsPerIp?: number;
  /** Sustained messages per second per connection; over it -> close 1008. */
  messagesPerSecond?: number;
  /** Messages a connection may send at once above the rate (default = messagesPerSecond). */
  burst?: number;
  /** Unsent bytes queued for one connection (a slow reader); past it -> close 1008 (default 8 MiB). */
  maxBufferedBytes?: number;
  /** A frame a client started must be complete within this many ms (default 30000). */
  frameTimeoutMs?: number;
  [extra: string]: unknown;
}

interface NodeBase {
  id: string;
  position?: Position;
  /** Free text shown on the canvas. */
  label?: string;
  description?: string;
  /** Kept in the file and on the canvas, left out of runs and exports (runtime/model/disabled.ts). */
  disabled?: boolean;
  [extra: string]: unknown;
}

export interface UpgraderNode extends NodeBase {
  type: 'upgrader';
  /** Prefix of every upgrade path of this upgrader, e.g. `/chat`. Default `/`. */
  basePath?: string;
  /** Template after the base path, with `{params}`: `/{name}`. Default `/`. `/*` matches any path. */
  upgradePath?: string;
  query?: Record<string, ParamSpec>;
  headers?: Record<string, ParamSpec>;
  /** Optional upgrade snippet (TypeScript): `export default function upgrade(req, ctx)`. */
  code?: string;
  /** Credentials required for the upgrade (401 when missing or invalid). */
  auth?: AuthSpec;
  /** Browser origins allowed to open this path; another `Origin` gets 403. Absent = any. */
  allowedOrigins?: string[];
}

export interface ServiceNode extends NodeBase {
  type: 'service';
  /** Subprotocols the service accepts, in preference order. */
  subprotocols?: string[];
  /** Largest accepted frame payload in bytes (default 1 MiB). */
  maxPayload?: number;
  /** Close a connection with 1001 after this many ms without a frame from the peer (0 = never). */
  idleTimeoutMs?: number;
  /** Interval of the server-side ping; a peer that misses one pong is terminated (0 = off). */
  heartbeatMs?: number;
  /** Messages clients send (`incoming`) and the service sends (`outgoing`). */
  messages?: {
    incoming?: MessageSpec[];
    outgoing?: MessageSpec[];
    [extra: string]: unknown;
  };
  /** Validate incoming JSON text frames against `messages.incoming` schemas (close 1007 if none matches). */
  validateIncoming?: boolean;
  limits?: LimitsSpec;
  /**
   * permessage-deflate with clients that offer it (runtime/engine/compression.ts): `true`, or a
   * threshold in bytes below which messages go uncompressed (default 1024). Off by default.
   */
  compression?: boolean | { threshold?: number };
  /** Channels its connections subscribe and publish to (runtime/model/channels.ts, docs/channels.md). */
  channels?: ChannelDecl[];
}

export interface HandlerNode extends NodeBase {
  type: HandlerEvent;
  /** The handler snippet; absent when the handler is wired to a chain of action nodes instead. */
  code?: string;
}

/**
 * A low-code action node. Its fields (expressions, templates, names, ...) depend on the type and
 * are described by its kind (runtime/model/kinds/); the values are kept as written in the YAML.
 */
export interface ActionNode extends NodeBase {
  type: ActionType;
}

/** Integration nodes: their kinds in runtime/model/kinds/ (category 'connector'). */
export type FlowNode = UpgraderNode | ServiceNode | HandlerNode | ActionNode | ConnectorNode;

export interface FlowEdge {
  from: string;
  to: string;
  /** Output port of a branching action node (`then`/`else` of `if`, a case of `switch`). */
  port?: string;
  [extra: string]: unknown;
}

/**
 * A labelled frame drawn behind a group of nodes on the canvas: designer layout data only (like a
 * node's `position`); the engine, the checks and the export ignore it. Its box is derived from its
 * nodes' positions, so only the member ids are stored.
 */
export interface DesignerFrame {
  id: string;
  label: string;
  nodes: string[];
}

/**
 * A named list of messages saved from a test client (Postman-style collections), kept with the
 * flow so they are shared with it; designer data only, nothing that runs reads it.
 */
export interface DesignerCollection {
  name: string;
  messages: SavedMessage[];
}

/** One saved message: the text a test client sends, and whether it is checked as JSON first. */
export interface SavedMessage {
  name: string;
  data: string;
  json?: boolean;
}

export interface FlowDocument {
  wsflow: typeof FLOW_FORMAT_VERSION;
  /** Machine name: lower-case, digits, `-`; used for image names, Choreo endpoints, k8s objects. */
  name: string;
  displayName?: string;
  description?: string;
  version?: string;
  listener: {
    port: number;
    [extra: string]: unknown;
  };
  /** Engine settings that are not per service. */
  settings?: {
    /** Budget for one synchronous run of a snippet before it is stopped (default 1000 ms). */
    handlerBudgetMs?: number;
    /** Drain time on SIGTERM before the process exits (default 5000 ms). */
    drainTimeoutMs?: number;
    /** WebSocket connections of the whole listener (default: below the file-descriptor limit). */
    maxConnections?: number;
    /** Time a client has to send a complete upgrade request (default 10000 ms). */
    handshakeTimeoutMs?: number;
    /** Handler-host workers; each connection is served by one of them (default 1). */
    handlerHosts?: number;
    /** Bound on the publishes one broker connection holds before its broker took them (docs/connectors/README.md). */
    connectorQueue?: { messages?: number; bytes?: number };
    /** Bound on the HTTP calls of the flow instance: in flight at once, and waiting (docs/connectors/http.md). */
    httpCalls?: { concurrent?: number; queued?: number };
    [extra: string]: unknown;
  };
  /** Packages that add node kinds (docs/nodes-sdk.md), found from the flow's folder. */
  packages?: string[];
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** Designer-only data (frames, test-client collections); never read by the engine or the export. */
  designer?: { frames?: DesignerFrame[]; collections?: DesignerCollection[]; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** A located problem in a flow. Lines and columns are 1-based. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable code, listed in docs/errors.md (e.g. `WSF_EDGE_ILLEGAL`). */
  code: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  nodeId?: string;
  /** Dotted field path inside the node or document, e.g. `query.age.type`. */
  field?: string;
}

export function isHandlerNode(node: FlowNode): node is HandlerNode {
  return (HANDLER_EVENTS as readonly string[]).includes(node.type);
}

