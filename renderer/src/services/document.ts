/**
 * The document and the backend's files: new, open, save, save as, autosave, recovery, export and
 * import. Failures reach the user (a toast, and autosave's in the status bar), never a catch-all.
 */
import { COMPONENT_SUFFIX, parseComponent } from '../../../runtime/model/components.ts';
import { parseFlow } from '../../../runtime/model/parse.ts';
import { updateFlowYaml } from '../../../runtime/model/serialize.ts';
import type { FlowDocument } from '../../../runtime/model/types.ts';
import { errorMessage } from '../client.ts';
import { emptyFlow } from '../model/flow-ops.ts';
import { isDirty } from '../store.ts';
import type { ServiceDeps } from './deps.ts';
import { infoOf, type ComponentInfo } from '../lowcode/component-files.ts';
import { makeComponent as makeComponentModel } from '../model/make-component.ts';

export function createDocumentService({ client, store }: ServiceDeps) {
  let textCache: { flow: FlowDocument; base: string | undefined; text: string } | undefined;
  let lastAutosaved: string | undefined;

  /** The YAML of the current flow, keeping comments and unknown keys of the loaded text. */
  function currentText(): string {
    const { flow, baseText } = store.getState();
    if (textCache?.flow === flow && textCache.base === baseText) return textCache.text;
    const text = updateFlowYaml(baseText, flow);
    textCache = { flow, base: baseText, text };
    return text;
  }

  function newDocument(): void {
    store.getState().loadDocument({ flow: emptyFlow(), text: undefined, path: undefined });
    store.getState().set({ parentFlow: undefined });
  }

  async function openFile(path: string): Promise<void> {
    const state = store.getState();
    try {
      const opened = await client.call('open', { path });
      // The backend sends the flow already parsed (the same parseFlow call).
      // A component file: its own format's problems, not a flow's (checks.ts says the same).
      const parsed = { flow: opened.flow, problems: opened.path.endsWith(COMPONENT_SUFFIX) ? parseComponent(opened.text, opened.path).problems : opened.problems };
      if (!parsed.flow) {
        state.set({ problems: parsed.problems });
        state.showTab('problems');
        state.toast('error', `${opened.path} is not a flow the designer can show; see Problems.`);
        return;
      }
      state.loadDocument({ flow: parsed.flow, text: opened.text, path: opened.path, mtimeMs: opened.mtimeMs });
      // The text of an untouched document is the file itself: the first check and autosave need
      // not rebuild it (a 500-node flow takes a third of a second to re-serialise).
      textCache = { flow: parsed.flow, base: opened.text, text: opened.text };
      if (opened.recovery) state.set({ recovery: opened.recovery });
      state.set({ problems: parsed.problems, dialog: undefined, parentFlow: undefined });
    } catch (error) {
      state.toast('error', `Cannot open ${path}: ${errorMessage(error)}`);
    }
  }

  /** Replace the document with a recovered copy; it stays dirty until saved. */
  function restoreRecovery(): void {
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

  async function discardRecovery(): Promise<void> {
    const { path } = store.getState();
    store.getState().set({ recovery: undefined });
    try {
      await client.call('discardRecovery', path ? { path } : {});
    } catch (error) {
      store.getState().toast('error', `Cannot discard the recovery copy: ${errorMessage(error)}`);
    }
  }

  /** Save to the document's path; false when it has none (the caller asks for one) or saving failed. */
  async function save(): Promise<boolean> {
    const state = store.getState();
    if (!state.path) return false;
    const flow = state.flow;
    const text = currentText();
    try {
      const saved = await client.call('save', { path: state.path, text, ...(state.mtimeMs !== undefined ? { expectedMtimeMs: state.mtimeMs } : {}) });
      store.getState().markSaved(flow, text, saved.path, saved.mtimeMs);
      textCache = { flow, base: text, text };
      lastAutosaved = text;
      store.getState().toast('success', `Saved ${saved.path}`);
      return true;
    } catch (error) {
      state.toast('error', `Save failed: ${errorMessage(error)}`);
      return false;
    }
  }

  /** Save under a new path; the error message when that failed. */
  async function saveAs(path: string, overwrite = false): Promise<string | undefined> {
    const flow = store.getState().flow;
    const text = currentText();
    try {
      const saved = await client.call('saveAs', { path, text, overwrite });
      store.getState().markSaved(flow, text, saved.path, saved.mtimeMs);
      textCache = { flow, base: text, text };
      lastAutosaved = text;
      store.getState().set({ dialog: undefined });
      store.getState().toast('success', `Saved ${saved.path}`);
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** Write unsaved work to the recovery folder; a failure shows in the status bar until one works. */
  async function autosave(): Promise<void> {
    const state = store.getState();
    if (!state.connected || !isDirty(state)) return;
    const text = currentText();
    if (text === lastAutosaved) return;
    try {
      await client.call('autosave', { text, ...(state.path ? { path: state.path } : {}) });
      lastAutosaved = text;
      if (store.getState().autosaveError) store.getState().set({ autosaveError: undefined });
    } catch (error) {
      const message = errorMessage(error);
      if (store.getState().autosaveError !== message) {
        store.getState().set({ autosaveError: message });
        store.getState().toast('error', `Autosave failed, unsaved work is not backed up: ${message}`);
      }
    }
  }

  async function exportTo(outDir: string, asyncapi: '2.6' | '3.0', force: boolean): Promise<{ files: string[]; outDir: string }> {
    const state = store.getState();
    return client.call('export', { text: currentText(), outDir, asyncapi, force, ...(state.path ? { path: state.path } : {}) });
  }

  async function importAsyncApi(source: ({ text: string; name: string } | { path: string }) & { allowUrls?: boolean }): Promise<void> {
    const result = await client.call('importAsyncApi', source);
    const parsed = parseFlow(result.yaml, result.suggestedPath);
    if (!parsed.flow) throw new Error('the importer produced a flow the designer cannot read');
    store.getState().loadDocument({ flow: parsed.flow, text: result.yaml, path: undefined, dirty: true });
    store.getState().set({ dialog: undefined });
    const notes = result.warnings?.length ? ` Notes: ${result.warnings.join(' ')}` : '';
    store.getState().toast('success', `Imported a flow with ${parsed.flow.nodes.length} nodes; save it to keep it.${notes}`);
  }

  const listFiles = () => client.call('list', {});
  /** The outputs and params of a component file (`open` reads it; nothing is loaded into the editor). */
  const componentInfo = (path: string): Promise<ComponentInfo | undefined> =>
    client.call('open', { path }).then((file) => infoOf(file.text, file.path), () => undefined);

  /**
   * "Make component": writes NAME.wsflow-component.yaml beside the flow (never over an existing
   * file), then replaces the selection with one `component` node (one undoable change). The error
   * message when it could not.
   */
  async function makeComponent(name: string): Promise<string | undefined> {
    const state = store.getState();
    const made = makeComponentModel(state.flow, state.selectedNodes, name.trim());
    if (!made.ok) return made.reason;
    const slash = state.path?.lastIndexOf('/') ?? -1;
    const folder = state.path && slash >= 0 ? state.path.slice(0, slash + 1) : '';
    const target = `${folder}${made.fileName}`;
    try {
      await client.call('save', { path: target, text: made.text, overwrite: false });
    } catch (error) {
      return `Cannot write ${target}: ${errorMessage(error)}`;
    }
    const after = store.getState();
    after.change(() => made.flow);
    after.select([made.nodeId]);
    after.set({ dialog: undefined, componentsVersion: after.componentsVersion + 1 });
    after.toast('success', `Wrote ${target}; '${made.nodeId}' uses it.`);
    return undefined;
  }

  /**
   * Opens the component file a component node uses as the document (saving the flow first), with a
   * breadcrumb back to the flow (`parentFlow`).
   */
  async function openComponent(ref: string): Promise<void> {
    const state = store.getState();
    if (!state.path) return state.toast('info', 'Save the flow first: a component file is found beside it.');
    if (isDirty(state) && !(await save())) return;
    const slash = state.path.lastIndexOf('/');
    const folder = slash >= 0 ? state.path.slice(0, slash + 1) : '';
    const target = `${folder}${ref.replace(/^\.\//, '')}`;
    const parent = state.path;
    await openFile(target);
    if (store.getState().path === target) store.getState().set({ parentFlow: parent });
  }

  /** The breadcrumb: saves the component (its uses reload with it) and opens the flow again. */
  async function backToFlow(): Promise<void> {
    const state = store.getState();
    const parent = state.parentFlow;
    if (!parent) return;
    if (isDirty(state) && !(await save())) return;
    await openFile(parent);
    if (store.getState().path === parent) store.getState().set({ parentFlow: undefined, componentsVersion: store.getState().componentsVersion + 1 });
  }

  return { openComponent, backToFlow, makeComponent, currentText, newDocument, openFile, restoreRecovery, discardRecovery, save, saveAs, autosave, exportTo, importAsyncApi, listFiles, componentInfo };
}

export type DocumentService = ReturnType<typeof createDocumentService>;
