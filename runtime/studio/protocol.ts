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
import type { FlowDocument, Problem } from '../model/types.ts';
import type { KindSpec } from '../model/package-kinds.ts';
import type { ChannelStatus, ConnectorLinkState, DebugCommand, DebugPause, TraceEvent } from '../engine/contracts.ts';
import type { RecordedTest, TestResult } from '../flowtest/types.ts';

// The renderer may import only this file from runtime/studio (test/architecture), so the engine
// types it shows are re-exported here.
export type { ConnectorLinkState, ConnectorStateEvent, DebugCommand, DebugPause, EngineEvent, InputPreview, LogEntry, SnippetFailure, TraceEvent } from '../engine/contracts.ts';
// The command table, for the renderer's registry and the desktop shell's menu.
import { COMMAND_IDS, type CommandId } from './command-table.ts';
export { acceleratorOf, acceleratorToKey, COMMAND_IDS, COMMAND_TABLE, commandSpec, MENU_NAMES } from './command-table.ts';
export type { CommandId, CommandSpec, MenuName } from './command-table.ts';
export type { ExpectMode, RecordedClient, RecordedStep, RecordedTest, StepResult, TestFailure, TestResult } from '../flowtest/types.ts';

/** The flow tests beside a flow (`NAME.wsflow.test.yaml`), as the Tests panel lists them. */
export interface FlowTestsInfo {
  /** The test file, relative to the root. */
  path: string;
  exists: boolean;
  text: string;
  tests: { name: string; steps: string[] }[];
  problems: Problem[];
}

/**
 * What a replay sends (docs/designer.md#replay): the clients by name and, in order, their connects,
 * text messages and closes. Built from a flow test by the backend or from a trace by the designer.
 */
export interface ReplayPlan {
  clients: Record<string, { path: string; query?: Record<string, string>; headers?: Record<string, string>; protocols?: string[] }>;
  steps: ({ kind: 'connect' | 'close'; client: string } | { kind: 'send'; client: string; data: string })[];
}

/** One test run against the live run, with the nodes that ran while it did. */
export interface FlowTestRun extends TestResult {
  nodes: string[];
}

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
  kind: 'flow' | 'component' | 'asyncapi' | 'dir' | 'other';
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
  /** Nodes left out of the run because no client can reach them, as warnings (model/unwired.ts). */
  ignored?: Problem[];
}

/** Where a set variable's value comes from: `studio --env-file`, the studio's environment, or this session. */
export type EnvSource = 'envFile' | 'environment' | 'session';

/** Whether a variable is set, never its value (values may be secrets). */
export interface EnvVarStatus {
  name: string;
  set: boolean;
  source?: EnvSource;
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
    /** `flow` and `problems` are `parseFlow(text, path)`'s, computed by the backend. */
    result: { path: string; text: string; mtimeMs: number; recovery?: RecoveryOffer; flow?: FlowDocument; problems: Problem[] };
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
    /** `kinds`: the node kinds the flow's packages add, as data (the designer's palette, forms and cards). */
    result: { problems: Problem[]; kinds: KindSpec[] };
  };
  /** Whether each variable is set for the next run (`envFile`: the studio's `--env-file`, when given). */
  envStatus: { params: { names: string[] }; result: { vars: EnvVarStatus[]; envFile?: string } };
  /**
   * Sets a variable for this studio session only (kept in the backend's memory, used by the next
   * start, never written to a file); an empty value forgets the session's value.
   */
  envSet: { params: { name: string; value: string }; result: EnvVarStatus };
  /** Compile and start the flow on the embedded engine. `port` overrides the flow's (0 = free). */
  start: { params: { text: string; path?: string; port?: number }; result: RunInfo };
  stop: { params: Record<string, never>; result: Record<string, never> };
  /** Hot reload of the running flow: open connections stay open. */
  reload: { params: { text: string; path?: string }; result: { applied: boolean; problems: Problem[]; ignored?: Problem[] } };
  export: {
    params: { text: string; path?: string; outDir: string; asyncapi?: '2.6' | '3.0'; force?: boolean };
    result: { outDir: string; files: string[] };
  };
  /** Turn an AsyncAPI document (a file in the root, or uploaded text) into a flow. */
  importAsyncApi: {
    /** `allowUrls`: the user confirmed that http(s) `$ref`s may be fetched (refused with WSF_STUDIO_PATH otherwise). */
    params: { path?: string; text?: string; name?: string; allowUrls?: boolean };
    result: { yaml: string; suggestedPath: string; warnings?: string[] };
  };
  /** Built-in test client, run by the backend against the running flow. */
  clientOpen: {
    params: { path: string; query?: Record<string, string>; headers?: Record<string, string>; protocols?: string[] };
    result: { clientId: string; url: string };
  };
  clientSend: { params: { clientId: string; data: string }; result: Record<string, never> };
  /** Flow tests of the flow at `path` (the test file beside it). */
  testsRead: { params: { path?: string }; result: FlowTestsInfo };
  /** Adds a test recorded from the test clients to the flow's test file (created if missing). */
  testsRecord: { params: { path?: string; test: RecordedTest }; result: FlowTestsInfo & { name: string } };
  /** Runs the named tests (all when absent) against the live run. */
  testsRun: { params: { path?: string; names?: string[] }; result: { results: FlowTestRun[]; problems: Problem[] } };
  clientClose: { params: { clientId: string; code?: number; reason?: string }; result: Record<string, never> };
  /** Sends again what a connection sent (a plan the designer built from the trace), with test clients. */
  replay: { params: { plan: ReplayPlan }; result: { clients: Record<string, string> } };
  /** Sends again what the named flow test sends, with test clients, ignoring its expectations. */
  testsReplay: { params: { path?: string; name: string }; result: { clients: Record<string, string> } };
  /**
   * The designer's breakpoints (node ids: action nodes, handlers), for this run and the next ones
   * until changed; an empty list lets every paused connection go on. Never written to a file.
   */
  debugBreakpoints: { params: { nodeIds: string[] }; result: Record<string, never> };
  /** Step, continue, or change a `vars` value (JSON text) of a paused connection. */
  debugCommand: { params: DebugCommand; result: Record<string, never> };
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
  /**
   * Handler duration over the last window, all nodes together, from the engine's duration
   * buckets (so approximate within a bucket); null when nothing ran.
   */
  latency?: { p50Ms: number; p99Ms: number } | null;
  /** Each connector node's live state and message counts since the run started (absent: none yet). */
  connectors?: Record<string, ConnectorLive>;
  /** Channels in use (docs/channels.md): subscribers here and the last offset (absent: none). */
  channels?: ChannelStatus[];
}

/** What a connector card shows while the flow runs (from the engine's `connector` trace events). */
export interface ConnectorLive {
  state: ConnectorLinkState;
  reason?: string;
  messagesIn: number;
  messagesOut: number;
}

export type StudioEvent =
  /** Trace events, batched and capped; `dropped` counts invoke events left out to keep up. */
  | { event: 'trace'; events: TraceEvent[]; dropped: number }
  | { event: 'stats'; stats: RunStats }
  | { event: 'run'; state: 'running'; run: RunInfo }
  | { event: 'run'; state: 'stopped'; reason?: string }
  | { event: 'client'; clientId: string; entry: ClientEntry }
  /** The connections paused at breakpoints now (every change sends the whole list). */
  | { event: 'debug'; paused: DebugPause[] }
  /** A component file of the running flow changed on disk: the flow was reloaded (or refused, with problems). */
  | { event: 'componentReload'; applied: boolean; problems: Problem[] };

export type StudioServerMessage = StudioResponse | StudioEvent;

// ===== DesktopApi: the Electron preload contract (owned by electron/**) =========================
// `window.wsflowDesktop` in the desktop window, undefined in the browser studio. IPC channels carry
// the `wsflow:` prefix; the main process answers only the app's own top frame (electron/ipc.ts).

/** Every menu command the shell can send: the ids of the one command table. */
export const DESKTOP_MENU_COMMANDS: readonly CommandId[] = COMMAND_IDS;

export type DesktopMenuCommand = CommandId;

export function isDesktopMenuCommand(value: unknown): value is DesktopMenuCommand {
  return typeof value === 'string' && (DESKTOP_MENU_COMMANDS as readonly string[]).includes(value);
}

/**
 * IPC channel names. Every channel carries the `wsflow:` prefix, and the main process answers
 * only frames whose URL is the app origin.
 */
export const DESKTOP_CHANNELS = {
  /** main -> renderer: a menu item was chosen; payload DesktopMenuCommand. */
  menuCommand: 'wsflow:menu-command',
  /** main -> renderer: open this absolute path (Open Recent, file association, second instance). */
  openFile: 'wsflow:open-file',
  /** renderer -> main (invoke): native open dialog for a flow; resolves to an absolute path or null. */
  showOpenDialog: 'wsflow:show-open-dialog',
  /** renderer -> main (invoke): native open dialog for AsyncAPI; resolves to { path, text } or null. */
  openAsyncApiFile: 'wsflow:open-asyncapi-file',
  /** renderer -> main (invoke): native save dialog for a flow; resolves to a path or null. */
  showSaveDialog: 'wsflow:show-save-dialog',
  /** renderer -> main (invoke): native folder picker for export; resolves to a path or null. */
  showExportFolderDialog: 'wsflow:show-export-folder-dialog',
  /** renderer -> main (invoke): recent files, most recent first. */
  getRecentFiles: 'wsflow:get-recent-files',
  /** renderer -> main (invoke): remember a file the renderer opened or saved. */
  addRecentFile: 'wsflow:add-recent-file',
  /** renderer -> main (send): the document has (or no longer has) unsaved changes. */
  setDocumentState: 'wsflow:set-document-state',
  /** renderer -> main (invoke): the app version. */
  appVersion: 'wsflow:app-version',
} as const;

export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof typeof DESKTOP_CHANNELS];

/** What the renderer tells the shell about the open document (window title, close prompt). */
export interface DocumentState {
  /** true while there are unsaved changes; the shell asks before closing the window. */
  dirty: boolean;
  /** path of the open file (absolute, or relative to the studio root), undefined when untitled. */
  path?: string;
}

/** `window.wsflowDesktop` in the Electron window. */
export interface DesktopApi {
  /** Always true; lets the renderer tell the desktop from the browser studio. */
  readonly isDesktop: true;
  /** `process.platform` of the host ('darwin', 'win32', 'linux', ...). */
  readonly platform: string;
  /** Subscribe to native menu commands; returns an unsubscribe function. */
  onMenuCommand(listener: (command: DesktopMenuCommand) => void): () => void;
  /**
   * Subscribe to "open this file" requests (Open Recent, file association, a second launch). The
   * path is absolute and inside the studio root (`hello.root`); the renderer opens it relative to
   * that root. Files outside the root make the shell restart the studio there and reload the page.
   */
  onOpenFile(listener: (path: string) => void): () => void;
  /**
   * Native open dialog for a flow. Resolves to an absolute path inside the studio root, or
   * undefined when the user cancels or picked a file outside the root (the shell then reopens the
   * studio on that file's folder and reloads the page, after the unsaved-changes prompt).
   */
  showOpenDialog(): Promise<string | undefined>;
  /**
   * Native open dialog for an AsyncAPI document, read by the shell (at most 5 MiB) so that it may
   * live anywhere; pass `text` to the studio's `importAsyncApi`. Undefined when cancelled.
   */
  openAsyncApiFile(): Promise<{ path: string; text: string } | undefined>;
  /** Native save dialog for a flow document; undefined when the user cancels. */
  showSaveDialog(options?: { defaultPath?: string }): Promise<string | undefined>;
  /** Native folder picker for `export`; undefined when the user cancels. */
  showExportFolderDialog(options?: { defaultPath?: string }): Promise<string | undefined>;
  /** Recent flow files, most recent first. */
  getRecentFiles(): Promise<string[]>;
  /** Remember a file in Open Recent (call after a successful open or save). */
  addRecentFile(path: string): Promise<void>;
  /** Report unsaved changes and the file path (title bar, close prompt). */
  setDocumentState(state: DocumentState): void;
  /** The app version (package.json). */
  appVersion(): Promise<string>;
}
// ===== end of DesktopApi ========================================================================
