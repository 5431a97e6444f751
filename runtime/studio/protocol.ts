/**
 * The studio protocol: typed JSON messages between the renderer and the studio backend over ONE
 * WebSocket (`/api?token=...`). Shared by `runtime/studio/server.ts` and `renderer/src/client.ts`,
 * so this file is pure types plus a few constants (no `node:` imports, no DOM).
 *
 * Shape: the renderer sends `{ id, method, params }`; the backend answers every request exactly
 * once with `{ id, ok: true, result }` or `{ id, ok: false, error }`, and pushes `{ event, ... }`
 * messages (trace batches, run state, test-client timelines) at any time.
 *
 * Paths in params and results are relative to the studio root (the folder of the opened flow),
 * with `/` separators. The backend refuses anything that resolves outside the root.
 */
import type { Problem } from '../model/types.ts';
import type { TraceEvent } from '../engine/contracts.ts';

// The renderer may import only this file from runtime/studio (test/architecture), so the engine
// types it shows are re-exported here.
export type { EngineEvent, LogEntry, SnippetFailure, TraceEvent } from '../engine/contracts.ts';

export const STUDIO_PROTOCOL_VERSION = 1;
/** Path of the single WebSocket endpoint; the token rides in the query (`?token=`). */
export const STUDIO_API_PATH = '/api';
/** Name of the cookie that carries the token for static assets after the first page load. */
export const STUDIO_TOKEN_COOKIE = 'wsflow_studio';
/** Folder (inside the root) where autosaved recovery copies live. */
export const RECOVERY_DIR = '.wsflow-recovery';

export interface FileEntry {
  /** Relative to the root, `/` separated. */
  path: string;
  kind: 'flow' | 'asyncapi' | 'dir' | 'other';
  size: number;
  mtimeMs: number;
}

/** An autosaved copy that is newer than the file on disk (or of a never-saved document). */
export interface RecoveryOffer {
  text: string;
  savedAt: number;
}

export interface RunInfo {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  port: number;
  startedAt: number;
}

export interface HelloResult {
  version: typeof STUDIO_PROTOCOL_VERSION;
  /** Absolute path of the root folder (shown to the user, never used for access). */
  root: string;
  /** The flow given on the command line, relative to the root. */
  file?: string;
  /** Recovery of an untitled document, when one was autosaved. */
  untitledRecovery?: RecoveryOffer;
  /** Present when a flow is already running (a reloaded page reattaches to it). */
  run?: RunInfo;
}

/** Every request: its params and its result. */
export interface StudioMethods {
  hello: { params: Record<string, never>; result: HelloResult };
  list: { params: { dir?: string }; result: { root: string; entries: FileEntry[] } };
  open: {
    params: { path: string };
    result: { path: string; text: string; mtimeMs: number; recovery?: RecoveryOffer };
  };
  /** Atomic write (temp file + rename). `expectedMtimeMs` refuses to clobber a file changed on disk. */
  save: {
    params: { path: string; text: string; expectedMtimeMs?: number; overwrite?: boolean };
    result: { path: string; mtimeMs: number };
  };
  /** Like save, but for a new name: refuses an existing file unless `overwrite`. */
  saveAs: {
    params: { path: string; text: string; overwrite?: boolean };
    result: { path: string; mtimeMs: number };
  };
  /** Write a recovery copy; `path` absent = the untitled document. */
  autosave: { params: { path?: string; text: string }; result: { savedAt: number } };
  discardRecovery: { params: { path?: string }; result: Record<string, never> };
  validate: {
    params: { text: string; path?: string; typecheck?: boolean };
    result: { problems: Problem[] };
  };
  /** Compile and start the flow on the embedded engine. `port` overrides the flow's (0 = free). */
  start: { params: { text: string; path?: string; port?: number }; result: RunInfo };
  stop: { params: Record<string, never>; result: Record<string, never> };
  /** Hot reload of the running flow: open connections stay open. */
  reload: { params: { text: string; path?: string }; result: { applied: boolean; problems: Problem[] } };
  export: {
    params: { text: string; path?: string; outDir: string; asyncapi?: '2.6' | '3.0'; force?: boolean };
    result: { outDir: string; files: string[] };
  };
  /** Turn an AsyncAPI document (a file in the root, or uploaded text) into a flow. */
  importAsyncApi: {
    params: { path?: string; text?: string; name?: string };
    result: { yaml: string; suggestedPath: string };
  };
  /** Built-in test client, run by the backend against the running flow. */
  clientOpen: {
    params: { path: string; query?: Record<string, string>; headers?: Record<string, string>; protocols?: string[] };
    result: { clientId: string; url: string };
  };
  clientSend: { params: { clientId: string; data: string }; result: Record<string, never> };
  clientClose: { params: { clientId: string; code?: number; reason?: string }; result: Record<string, never> };
}

export type StudioMethod = keyof StudioMethods;
export type ParamsOf<M extends StudioMethod> = StudioMethods[M]['params'];
export type ResultOf<M extends StudioMethod> = StudioMethods[M]['result'];

export type StudioRequest = { [M in StudioMethod]: { id: number; method: M; params: ParamsOf<M> } }[StudioMethod];

export interface StudioError {
  /** Stable code: `WSF_STUDIO_*` or a code from the runtime (e.g. `WSF_EXPORT_*`). */
  code: string;
  message: string;
  /** Located problems, when the failure came from an invalid flow. */
  problems?: Problem[];
}

export type StudioResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: StudioError };

/** One entry of a test client's timeline. */
export type ClientEntry =
  | { t: number; kind: 'open'; url: string; protocol: string }
  | { t: number; kind: 'sent' | 'received'; data: string; binary?: boolean }
  | { t: number; kind: 'close'; code: number; reason: string }
  | { t: number; kind: 'error'; message: string };

/** Live numbers, pushed about twice a second while a flow runs. */
export interface RunStats {
  connections: number;
  messagesIn: number;
  messagesOut: number;
  /** Rates over the last window, per second. */
  inPerSec: number;
  outPerSec: number;
  /** Nodes that ran in the last window (for canvas highlights), with counts and errors. */
  perNode: Record<string, { count: number; errors: number }>;
}

export type StudioEvent =
  /** Trace events, batched and capped; `dropped` counts invoke events left out to keep up. */
  | { event: 'trace'; events: TraceEvent[]; dropped: number }
  | { event: 'stats'; stats: RunStats }
  | { event: 'run'; state: 'running'; run: RunInfo }
  | { event: 'run'; state: 'stopped'; reason?: string }
  | { event: 'client'; clientId: string; entry: ClientEntry };

export type StudioServerMessage = StudioResponse | StudioEvent;
