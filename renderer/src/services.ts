/**
 * What the designer does with the backend: open, save, validate, autosave, run, reload, export,
 * import and test clients. Commands and components call these; they update the store.
 */
import { parseFlow } from '../../runtime/model/parse.ts';
import { updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { FlowDocument, Problem } from '../../runtime/model/types.ts';
import type { StudioEvent } from '../../runtime/studio/protocol.ts';
import { errorMessage, StudioCallError, StudioClient } from './client.ts';
import { emptyFlow } from './model/flow-ops.ts';
import { snippetLineOf } from './model/snippets.ts';
import { recordRunStats, resetRunMetrics } from './run/run-metrics.ts';
import { isDirty, useStudio } from './store.ts';

export const client = StudioClient.fromLocation(window.location);
const store = useStudio;

const VALIDATE_DELAY_MS = 600;
const RELOAD_DELAY_MS = 400;
const AUTOSAVE_EVERY_MS = 3000;

// -- text of the current document -------------------------------------------------------------

let textCache: { flow: FlowDocument; base: string | undefined; text: string } | undefined;

/** The YAML of the current flow, keeping comments and unknown keys of the loaded text. */
export function currentText(): string {
  const { flow, baseText } = store.getState();
  if (textCache?.flow === flow && textCache.base === baseText) return textCache.text;
  const text = updateFlowYaml(baseText, flow);
  textCache = { flow, base: baseText, text };
  return text;
}

const fileName = () => store.getState().path ?? 'untitled.wsflow.yaml';

// -- startup ----------------------------------------------------------------------------------

export async function init(): Promise<void> {
  client.onEvent(onEvent);
  client.onConnection((connected) => {
    store.getState().set({ connected });
    if (!connected) store.getState().toast('error', 'Lost the connection to the studio backend. Unsaved work is in the recovery copy; restart `wsflow studio` and reopen the file.');
  });
  store.subscribe((state, prev) => {
    if (state.flow !== prev.flow) {
      scheduleValidate();
      if (state.run && !onlyMoved(prev.flow, state.flow)) scheduleReload();
    }
  });
  setInterval(() => void autosave(), AUTOSAVE_EVERY_MS);
  window.addEventListener('beforeunload', (event) => {
    if (isDirty(store.getState())) event.preventDefault();
  });
  try {
    const hello = await client.call('hello', {});
    store.getState().set({ root: hello.root, ...(hello.run ? { run: hello.run } : {}) });
    if (hello.file) await openFile(hello.file);
    else if (hello.untitledRecovery) store.getState().set({ recovery: hello.untitledRecovery });
    scheduleValidate();
  } catch (error) {
    store.getState().toast('error', `Cannot reach the studio backend: ${errorMessage(error)}`);
  }
}

/** True when the only difference is node positions (nothing the running engine cares about). */
function onlyMoved(a: FlowDocument, b: FlowDocument): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  for (const [key, value] of Object.entries(b)) if (key !== 'nodes' && a[key] !== value) return false;
  return b.nodes.every((node, i) => {
    const before = a.nodes[i];
    if (before === node) return true;
    if (!before) return false;
    const keys = new Set([...Object.keys(before), ...Object.keys(node)]);
    keys.delete('position');
    return [...keys].every((k) => before[k] === node[k]);
  });
}

function onEvent(event: StudioEvent): void {
  const state = store.getState();
  switch (event.event) {
    case 'trace':
      state.addTrace(event.events, event.dropped);
      break;
    case 'stats': {
      const now = Date.now();
      const firing = { ...state.firing };
      for (const [nodeId, counts] of Object.entries(event.stats.perNode)) if (counts.count > 0) firing[nodeId] = now;
      state.set({ stats: event.stats, firing });
      recordRunStats(event.stats);
      break;
    }
    case 'run':
      resetRunMetrics(event.state === 'running');
      if (event.state === 'running') state.set({ run: event.run });
      else {
        state.set({ run: undefined, stats: undefined, firing: {} });
        if (event.reason && event.reason !== 'stopped by the user') state.toast('info', `Flow stopped: ${event.reason}`);
      }
      break;
    case 'client':
      state.clientEvent(event.clientId, event.entry);
      break;
  }
}

// -- files ----------------------------------------------------------------------------------------

export function newDocument(): void {
  store.getState().loadDocument({ flow: emptyFlow(), text: undefined, path: undefined });
}

export async function openFile(path: string): Promise<void> {
  const state = store.getState();
  try {
    const opened = await client.call('open', { path });
    performance.mark('wsflow:file-received');
    const parsed = parseFlow(opened.text, opened.path);
    performance.mark('wsflow:file-parsed');
    if (!parsed.flow) {
      state.set({ problems: parsed.problems, bottomTab: 'problems', bottomOpen: true });
      state.toast('error', `${opened.path} is not a flow the designer can show; see Problems.`);
      return;
    }
    state.loadDocument({ flow: parsed.flow, text: opened.text, path: opened.path, mtimeMs: opened.mtimeMs });
    if (opened.recovery) state.set({ recovery: opened.recovery });
    state.set({ problems: parsed.problems, dialog: undefined });
  } catch (error) {
    state.toast('error', `Cannot open ${path}: ${errorMessage(error)}`);
  }
}

/** Replace the document with a recovered copy; it stays dirty until saved. */
export function restoreRecovery(): void {
  const { recovery, path, mtimeMs } = store.getState();
  if (!recovery) return;
  const parsed = parseFlow(recovery.text, path);
  if (!parsed.flow) {
    store.getState().toast('error', 'The recovered copy is not a valid flow.');
    return;
  }
  store.getState().loadDocument({ flow: parsed.flow, text: recovery.text, path, ...(mtimeMs !== undefined ? { mtimeMs } : {}), dirty: true });
  store.getState().toast('success', 'Recovered your unsaved work.');
}

export async function discardRecovery(): Promise<void> {
  const { path } = store.getState();
  store.getState().set({ recovery: undefined });
  await client.call('discardRecovery', path ? { path } : {}).catch(() => undefined);
}

export async function save(): Promise<boolean> {
  const state = store.getState();
  if (!state.path) {
    // The Save-as command (in-page dialog, or the native one in the desktop shell).
    const { runCommand } = await import('./commands.ts');
    runCommand('file.saveAs');
    return false;
  }
  const flow = state.flow;
  const text = currentText();
  try {
    const saved = await client.call('save', {
      path: state.path,
      text,
      ...(state.mtimeMs !== undefined ? { expectedMtimeMs: state.mtimeMs } : {}),
    });
    store.getState().markSaved(flow, text, saved.path, saved.mtimeMs);
    lastAutosaved = text;
    store.getState().toast('success', `Saved ${saved.path}`);
    return true;
  } catch (error) {
    state.toast('error', `Save failed: ${errorMessage(error)}`);
    return false;
  }
}

export async function saveAs(path: string, overwrite = false): Promise<string | undefined> {
  const state = store.getState();
  const flow = state.flow;
  const text = currentText();
  try {
    const saved = await client.call('saveAs', { path, text, overwrite });
    store.getState().markSaved(flow, text, saved.path, saved.mtimeMs);
    lastAutosaved = text;
    store.getState().set({ dialog: undefined });
    store.getState().toast('success', `Saved ${saved.path}`);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

let lastAutosaved: string | undefined;

async function autosave(): Promise<void> {
  const state = store.getState();
  if (!state.connected || !isDirty(state)) return;
  const text = currentText();
  if (text === lastAutosaved) return;
  lastAutosaved = text;
  await client.call('autosave', { text, ...(state.path ? { path: state.path } : {}) }).catch(() => undefined);
}

// -- validation -------------------------------------------------------------------------------

let validateTimer: ReturnType<typeof setTimeout> | undefined;
let validateSeq = 0;

export function scheduleValidate(): void {
  clearTimeout(validateTimer);
  // A big flow takes the backend seconds to type check: check it less often while editing.
  const delay = VALIDATE_DELAY_MS + Math.min(5000, store.getState().flow.nodes.length * 8);
  validateTimer = setTimeout(() => void validateNow(), delay);
}

export async function validateNow(): Promise<Problem[]> {
  const seq = ++validateSeq;
  const state = store.getState();
  const path = state.path;
  state.set({ validating: true });
  try {
    const { problems } = await client.call('validate', { text: currentText(), typecheck: true, ...(path ? { path } : {}) });
    if (seq === validateSeq) store.getState().set({ problems, validating: false });
    return problems;
  } catch (error) {
    if (seq === validateSeq) store.getState().set({ validating: false });
    return [];
  }
}

/** Select the node of a problem and, for snippet problems, put the editor cursor on its line. */
export function jumpToProblem(problem: Problem): void {
  const state = store.getState();
  if (!problem.nodeId || !state.flow.nodes.some((n) => n.id === problem.nodeId)) return;
  state.select([problem.nodeId]);
  if (problem.line !== undefined) {
    const parsed = parseFlow(currentText(), fileName());
    const line = parsed.flow ? snippetLineOf(parsed.flow, parsed.locate, problem.nodeId, problem.line) : undefined;
    if (line !== undefined) {
      state.set({ editorJump: { nodeId: problem.nodeId, line, col: problem.col ?? 1, seq: Date.now() } });
    }
  }
}

// -- run ------------------------------------------------------------------------------------------

export async function startRun(): Promise<void> {
  const state = store.getState();
  if (state.runBusy) return;
  const portText = state.runPort.trim();
  const port = portText === '' ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    state.toast('error', `Run port "${portText}" is not a port number (0 picks a free one).`);
    return;
  }
  state.set({ runBusy: true, trace: [], traceDropped: 0 });
  try {
    const run = await client.call('start', { text: currentText(), ...(state.path ? { path: state.path } : {}), ...(port !== undefined ? { port } : {}) });
    store.getState().set({ run, bottomTab: 'clients', bottomOpen: true });
    store.getState().toast('success', `Running on ${run.url}`);
  } catch (error) {
    if (error instanceof StudioCallError && error.error.problems?.length) {
      store.getState().set({ problems: error.error.problems, bottomTab: 'problems', bottomOpen: true });
    }
    store.getState().toast('error', `Cannot start: ${errorMessage(error)}`);
  } finally {
    store.getState().set({ runBusy: false });
  }
}

export async function stopRun(): Promise<void> {
  const state = store.getState();
  if (!state.run || state.runBusy) return;
  state.set({ runBusy: true });
  try {
    await client.call('stop', {});
    store.getState().set({ run: undefined, stats: undefined });
  } catch (error) {
    store.getState().toast('error', `Cannot stop: ${errorMessage(error)}`);
  } finally {
    store.getState().set({ runBusy: false });
  }
}

let reloadTimer: ReturnType<typeof setTimeout> | undefined;

function scheduleReload(): void {
  clearTimeout(reloadTimer);
  store.getState().set({ reloadNote: 'changes pending…' });
  reloadTimer = setTimeout(() => void reloadNow(), RELOAD_DELAY_MS);
}

async function reloadNow(): Promise<void> {
  const state = store.getState();
  if (!state.run) return;
  try {
    const result = await client.call('reload', { text: currentText(), ...(state.path ? { path: state.path } : {}) });
    const note = result.applied ? `reloaded ${new Date().toLocaleTimeString()}` : `not reloaded: ${result.problems[0]?.message ?? 'the flow has problems'}`;
    store.getState().set({ reloadNote: note });
  } catch (error) {
    store.getState().set({ reloadNote: `not reloaded: ${errorMessage(error)}` });
  }
}

// -- export / import -------------------------------------------------------------------------------

export async function exportTo(outDir: string, asyncapi: '2.6' | '3.0', force: boolean): Promise<{ files: string[]; outDir: string }> {
  const state = store.getState();
  return client.call('export', { text: currentText(), outDir, asyncapi, force, ...(state.path ? { path: state.path } : {}) });
}

export async function importAsyncApi(source: ({ text: string; name: string } | { path: string }) & { allowUrls?: boolean }): Promise<void> {
  const result = await client.call('importAsyncApi', source);
  const parsed = parseFlow(result.yaml, result.suggestedPath);
  if (!parsed.flow) throw new Error('the importer produced a flow the designer cannot read');
  store.getState().loadDocument({ flow: parsed.flow, text: result.yaml, path: undefined, dirty: true });
  store.getState().set({ dialog: undefined });
  const notes = result.warnings?.length ? ` Notes: ${result.warnings.join(' ')}` : '';
  store.getState().toast('success', `Imported a flow with ${parsed.flow.nodes.length} nodes; save it to keep it.${notes}`);
}

// -- test clients ----------------------------------------------------------------------------------

export async function openClient(path: string, query: Record<string, string>): Promise<void> {
  const state = store.getState();
  try {
    const { clientId, url } = await client.call('clientOpen', { path, query });
    const clients = store.getState().clients;
    const existing = clients.find((c) => c.id === clientId);
    // Events of a fast handshake can arrive before this answer; keep them.
    if (existing) store.getState().set({ clients: clients.map((c) => (c.id === clientId ? { ...c, url } : c)) });
    else store.getState().set({ clients: [...clients, { id: clientId, url, entries: [], state: 'connecting' }] });
  } catch (error) {
    state.toast('error', `Cannot connect: ${errorMessage(error)}`);
  }
}

export async function sendClient(clientId: string, data: string): Promise<void> {
  try {
    await client.call('clientSend', { clientId, data });
  } catch (error) {
    store.getState().toast('error', errorMessage(error));
  }
}

export async function closeClient(clientId: string): Promise<void> {
  const state = store.getState();
  const view = state.clients.find((c) => c.id === clientId);
  if (view && view.state === 'closed') {
    state.set({ clients: state.clients.filter((c) => c.id !== clientId) });
    return;
  }
  await client.call('clientClose', { clientId, code: 1000, reason: 'closed in the designer' }).catch(() => undefined);
}
