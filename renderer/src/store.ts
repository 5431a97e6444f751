/**
 * The document store of a designer window (zustand). The flow document is the model: every
 * change to it goes through `change`, which records undo history. UI and runtime state
 * (selection, run status, traces, test clients) live beside it and never enter the history.
 *
 * The designer has three stores, all module-level zustand stores that components read with their
 * hook: this one (`useStudio`), the Tests panel's (`tests/tests-store.ts`, `useTests`) and the
 * live run numbers (`run/run-metrics.ts`, `useRunMetrics`). main.tsx hands this one to the
 * services, commands and desktop bridge it creates (tests give them a fresh store); the two small
 * ones are written only through their own modules (tests-service.ts, run-metrics.ts), so they are
 * reached directly. They are apart so their frequent updates (stats twice a second, test results)
 * re-render only what shows them, and never enter the undo history.
 */
import { create } from 'zustand';
import type { FlowDocument, Problem } from '../../runtime/model/types.ts';
import type { ClientEntry, ConnectorLive, DebugPause, EnvVarStatus, RecoveryOffer, RunInfo, RunStats, TraceEvent } from '../../runtime/studio/protocol.ts';
import { emptyFlow, type Clip } from './model/flow-ops.ts';
import { emptyHistory, record, redo, undo, type History } from './model/history.ts';
import type { RuntimeError } from './model/runtime-errors.ts';
import type { TracePath } from './panels/trace-rows.ts';
import type { ComponentInfo } from './lowcode/component-files.ts';

export type Theme = 'light' | 'dark';
export interface ClientDraft {
  upgraderId: string;
  /** Path parameter values by name. */
  values: Record<string, string>;
  query: string;
  protocols: string;
  headerText: string;
  token: string;
}

export type Dialog = 'open' | 'saveAs' | 'export' | 'import' | 'newConfirm' | 'runGate' | 'makeComponent';
export type BottomTab = 'problems' | 'environment' | 'trace' | 'clients' | 'tests' | 'metrics' | 'debug';
/** Overlays over the canvas (not modal dialogs): quick-add, connect-to, the shortcuts sheet, a context menu. */
export type Overlay = 'quickAdd' | 'connect' | 'shortcuts' | 'contextMenu' | 'find';

/** Panel sizes and visibility, remembered across launches (localStorage `wsflow.layout`). */
export interface Layout {
  inspectorWidth: number;
  dockHeight: number;
  inspectorOpen: boolean;
  dockOpen: boolean;
  /** The snippet editor takes the whole inspector height and the canvas' width. */
  editorMax: boolean;
}

export const DEFAULT_LAYOUT: Layout = { inspectorWidth: 420, dockHeight: 260, inspectorOpen: true, dockOpen: true, editorMax: false };

export interface ContextMenuAt {
  x: number;
  y: number;
  /** Flow position under the pointer (where "Add node" puts it). */
  flow: { x: number; y: number };
  target: 'node' | 'edge' | 'canvas';
}

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

export interface TraceRow {
  seq: number;
  event: TraceEvent;
}

export interface ClientView {
  id: string;
  url: string;
  entries: ClientEntry[];
  state: 'connecting' | 'open' | 'closed';
}

export interface EditorJump {
  nodeId: string;
  line: number;
  col: number;
  seq: number;
}

const TRACE_CAP = 1000;
const CLIENT_ENTRY_CAP = 500;

export interface StudioState {
  flow: FlowDocument;
  /** The document as last loaded or saved: `flow !== savedFlow` means unsaved work. */
  savedFlow: FlowDocument | undefined;
  /** YAML text as loaded/saved, so saving keeps comments and unknown keys. */
  baseText: string | undefined;
  path: string | undefined;
  mtimeMs: number | undefined;
  history: History;
  /** The component files beside the flow, by ref (`./x.wsflow-component.yaml`): a card's ports, a form's params. */
  components: Readonly<Record<string, ComponentInfo>>;
  /** Bumped when a component file was written here ("Make component"): the palette lists the files again. */
  componentsVersion: number;
  /** Bumped when the flow's package kinds change (the palette, forms and cards read the registry). */
  kindsVersion: number;
  /** A component file is the open document, opened from this flow: the breadcrumb back to it. */
  parentFlow: string | undefined;

  selectedNodes: string[];
  selectedEdges: string[];
  measured: Record<string, { width: number; height: number }>;
  clipboard: Clip | undefined;

  problems: Problem[];
  validating: boolean;
  /** Why the last backend check failed (shown in the status bar), until one succeeds. */
  validateError: string | undefined;
  /** Why the last autosave failed (shown in the status bar), until one succeeds. */
  autosaveError: string | undefined;
  /** Errors thrown by snippets in this run, one entry per distinct error. */
  runtimeErrors: RuntimeError[];
  /** The first runtime error of a run, offered in a notice until dismissed. */
  runtimeNotice: RuntimeError | undefined;
  /** Trace row to scroll to and highlight. */
  traceFocus: number | undefined;
  /** The trace row picked in the Trace panel and the path its chain took, lit on the canvas. */
  tracePath: TracePath | undefined;
  /** An action node's field to focus in the inspector (a runtime error in that field). */
  fieldFocus: { nodeId: string; field: string; seq: number } | undefined;
  /** A node just added: its problems are shown as a hint until another node is selected. */
  freshNode: string | undefined;

  run: RunInfo | undefined;
  runBusy: boolean;
  runPort: string;
  stats: RunStats | undefined;
  firing: Record<string, number>;
  /** Each connector node's live state in this run (its card shows it); empty when stopped. */
  connectors: Record<string, ConnectorLive>;
  trace: TraceRow[];
  traceSeq: number;
  traceDropped: number;
  reloadNote: string | undefined;
  /** Errors on the nodes that would run, shown by the Run gate before a start (Run anyway or not). */
  runGate: Problem[] | undefined;

  /** Nodes with a breakpoint (F9): the designer's, never written into the flow file. */
  breakpoints: string[];
  /** Connections paused at a breakpoint now (the backend's `debug` event). */
  paused: DebugPause[];
  /** The paused connection shown in the Debug panel (its node is lit on the canvas). */
  pausedPick: string | undefined;

  clients: ClientView[];
  /** What the test-client form holds, kept here so it survives switching bottom tabs. */
  clientDraft: ClientDraft;

  /** Whether each `${env.NAME}` the flow reads is set for the next run (never the values). */
  envStatus: Record<string, EnvVarStatus>;
  /** The studio's `--env-file`, when it was started with one. */
  envFile: string | undefined;

  root: string;
  connected: boolean;
  theme: Theme;
  dialog: Dialog | undefined;
  bottomTab: BottomTab;
  layout: Layout;
  overlay: Overlay | undefined;
  /** What quick-add starts with (the letter typed on the canvas that opened it). */
  overlayQuery: string;
  /** Where quick-add puts the node (the context menu's spot); absent: the middle of the view. */
  quickAddAt: { x: number; y: number } | undefined;
  contextMenu: ContextMenuAt | undefined;
  toasts: Toast[];
  recovery: RecoveryOffer | undefined;
  editorJump: EditorJump | undefined;
  /** Bumped to ask the canvas to fit the view (after open, layout, or the command). */
  fitViewSeq: number;
  /** The asked-for fit stops at a readable zoom (after auto layout) instead of showing everything. */
  fitReadable: boolean;
  /** A node for the canvas to centre on (Find); `seq` makes the same node ask again. */
  centerOn: { id: string; seq: number } | undefined;
  /** Bumped when another document replaces the current one (editors drop per-node state). */
  docSeq: number;

  change(mutate: (flow: FlowDocument) => FlowDocument, options?: { coalesce?: string }): void;
  undo(): void;
  redo(): void;
  loadDocument(doc: { flow: FlowDocument; text: string | undefined; path: string | undefined; mtimeMs?: number; dirty?: boolean }): void;
  markSaved(flow: FlowDocument, text: string, path: string, mtimeMs: number): void;
  select(nodes: string[], edges?: string[]): void;
  toast(kind: Toast['kind'], text: string): void;
  dismissToast(id: number): void;
  addTrace(events: TraceEvent[], dropped: number): void;
  clientEvent(clientId: string, entry: ClientEntry): void;
  setLayout(partial: Partial<Layout>): void;
  /** Open the bottom panel on a tab. */
  showTab(tab: BottomTab): void;
  set(partial: Partial<StudioState>): void;
}

let toastSeq = 1;

function initialTheme(): Theme {
  try {
    // Typed structurally: the Node tests load this store too, where these globals do not exist.
    const env = globalThis as { localStorage?: { getItem(key: string): string | null }; matchMedia?: (q: string) => { matches: boolean } };
    const saved = env.localStorage?.getItem('wsflow.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return env.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

function initialLayout(): Layout {
  try {
    const env = globalThis as { localStorage?: { getItem(key: string): string | null } };
    const saved = JSON.parse(env.localStorage?.getItem('wsflow.layout') ?? 'null') as Partial<Layout> | null;
    return { ...DEFAULT_LAYOUT, ...(saved && typeof saved === 'object' ? saved : {}) };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

const firstFlow = emptyFlow();

export const useStudio = create<StudioState>()((set, get) => ({
  flow: firstFlow,
  savedFlow: firstFlow,
  baseText: undefined,
  path: undefined,
  mtimeMs: undefined,
  history: emptyHistory(),
  components: {},
  componentsVersion: 0,
  kindsVersion: 0,
  parentFlow: undefined,
  selectedNodes: [],
  selectedEdges: [],
  measured: {},
  clipboard: undefined,
  problems: [],
  validating: false,
  validateError: undefined,
  autosaveError: undefined,
  runtimeErrors: [],
  runtimeNotice: undefined,
  traceFocus: undefined,
  tracePath: undefined,
  fieldFocus: undefined,
  freshNode: undefined,
  run: undefined,
  runBusy: false,
  runPort: '',
  stats: undefined,
  firing: {},
  connectors: {},
  trace: [],
  traceSeq: 0,
  traceDropped: 0,
  reloadNote: undefined,
  runGate: undefined,
  breakpoints: [],
  paused: [],
  pausedPick: undefined,
  clients: [],
  clientDraft: { upgraderId: '', values: {}, query: '', protocols: '', headerText: '', token: '' },
  envStatus: {},
  envFile: undefined,
  root: '',
  connected: false,
  theme: initialTheme(),
  dialog: undefined,
  bottomTab: 'problems',
  layout: initialLayout(),
  overlay: undefined,
  overlayQuery: '',
  quickAddAt: undefined,
  contextMenu: undefined,
  toasts: [],
  recovery: undefined,
  editorJump: undefined,
  fitViewSeq: 0,
  fitReadable: false,
  centerOn: undefined,
  docSeq: 0,

  change(mutate, options = {}) {
    const before = get().flow;
    const after = mutate(before);
    if (after === before) return;
    set({ flow: after, history: record(get().history, before, options) });
  },
  undo() {
    const step = undo(get().history, get().flow);
    if (step) set({ flow: step.flow, history: step.history, ...keepSelection(get(), step.flow) });
  },
  redo() {
    const step = redo(get().history, get().flow);
    if (step) set({ flow: step.flow, history: step.history, ...keepSelection(get(), step.flow) });
  },
  loadDocument({ flow, text, path, mtimeMs, dirty }) {
    set({
      flow,
      savedFlow: dirty ? undefined : flow,
      baseText: text,
      path,
      mtimeMs,
      history: emptyHistory(),
      selectedNodes: [],
      selectedEdges: [],
      // Sizes are kept: React Flow reports a size only when it changes, and a node with the same
      // id and content keeps its size across a reload of the document.
      problems: [],
      recovery: undefined,
      fitViewSeq: get().fitViewSeq + 1,
      fitReadable: false,
      docSeq: get().docSeq + 1,
    });
  },
  markSaved(flow, text, path, mtimeMs) {
    set({ savedFlow: flow, baseText: text, path, mtimeMs });
  },
  select(nodes, edges = []) {
    const state = get();
    if (same(state.selectedNodes, nodes) && same(state.selectedEdges, edges)) return;
    // Moving on from a just-added node: its problems now show as errors.
    const fresh = state.freshNode !== undefined && nodes.length === 1 && nodes[0] === state.freshNode ? state.freshNode : undefined;
    // Nothing selected: the lit path of a picked trace row goes too.
    const cleared = nodes.length === 0 && edges.length === 0 ? { tracePath: undefined } : {};
    set({ selectedNodes: nodes, selectedEdges: edges, freshNode: fresh, ...cleared });
  },
  toast(kind, text) {
    const toast = { id: toastSeq++, kind, text };
    set({ toasts: [...get().toasts.slice(-3), toast] });
    setTimeout(() => get().dismissToast(toast.id), kind === 'error' ? 8000 : 4000);
  },
  dismissToast(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  addTrace(events, dropped) {
    const state = get();
    let seq = state.traceSeq;
    const rows = events.map((event) => ({ seq: ++seq, event }));
    const firing = { ...state.firing };
    const now = Date.now();
    for (const event of events) if (event.kind === 'invoke') firing[event.nodeId] = now;
    const trace = rows.length ? [...state.trace, ...rows].slice(-TRACE_CAP) : state.trace;
    set({ trace, traceSeq: seq, traceDropped: state.traceDropped + dropped, firing });
  },
  clientEvent(clientId, entry) {
    const known = get().clients.some((c) => c.id === clientId);
    const base: ClientView[] = known ? get().clients : [...get().clients, { id: clientId, url: entry.kind === 'open' ? entry.url : '', entries: [], state: 'connecting' }];
    const clients = base.map((c) => {
      if (c.id !== clientId) return c;
      const state = entry.kind === 'open' ? 'open' : entry.kind === 'close' ? 'closed' : c.state;
      return { ...c, state, entries: [...c.entries, entry].slice(-CLIENT_ENTRY_CAP) } satisfies ClientView;
    });
    set({ clients });
  },
  setLayout(partial) {
    set({ layout: { ...get().layout, ...partial } });
  },
  showTab(tab) {
    set({ bottomTab: tab, layout: { ...get().layout, dockOpen: true } });
  },
  set(partial) {
    set(partial);
  },
}));

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** After undo/redo, drop selected ids that no longer exist. */
function keepSelection(state: StudioState, flow: FlowDocument): Partial<StudioState> {
  const ids = new Set(flow.nodes.map((n) => n.id));
  return { selectedNodes: state.selectedNodes.filter((id) => ids.has(id)), selectedEdges: [] };
}

/** The store as a dependency (services, commands and placement are created with it). */
export type StudioStore = typeof useStudio;

export const isDirty = (state: Pick<StudioState, 'flow' | 'savedFlow'>): boolean => state.flow !== state.savedFlow;
