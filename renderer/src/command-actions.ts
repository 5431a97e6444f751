/**
 * What each command of the table does. Created at startup with its dependencies; `Record<CommandId,
 * Action>` makes a command without an action a type error.
 */
import type { Position } from '../../runtime/model/types.ts';
import { pasteClip } from './canvas/place.ts';
import type { Action, CommandId } from './commands.ts';
import type { Desktop } from './desktop.ts';
import { clipFromYaml, clipToYaml } from './model/clip-yaml.ts';
import { copyElements, moveNodes, removeElements, toggleDisabled } from './model/flow-ops.ts';
import { addFrame, framesOf, removeFramesOf } from './model/frames.ts';
import { autoLayout } from './model/layout.ts';
import type { Services } from './services/index.ts';
import { isDirty, type StudioState, type StudioStore } from './store.ts';

export interface ActionDeps {
  services: Services;
  store: StudioStore;
  desktop: Desktop | undefined;
  /** The system clipboard (navigator.clipboard), when there is one. */
  clipboard: { writeText(text: string): Promise<void>; readText(): Promise<string> } | undefined;
  /** The flow position at the middle of the visible canvas. */
  viewCenter: () => Position;
  /** Remembers a UI preference (localStorage); failures just mean it is not remembered. */
  remember: (key: string, value: string) => void;
}

const hasSelection = (s: StudioState) => s.selectedNodes.length > 0 || s.selectedEdges.length > 0;

export function createActions({ services, store, desktop, clipboard, viewCenter, remember }: ActionDeps): Record<CommandId, Action> {
  const get = () => store.getState();
  // App.tsx remembers the layout whenever it changes.
  const toggleLayout = (key: 'inspectorOpen' | 'dockOpen' | 'editorMax') => get().setLayout({ [key]: !get().layout[key] });
  let lastCopiedYaml: string | undefined;

  return {
    'file.new': { run: () => (isDirty(get()) ? get().set({ dialog: 'newConfirm' }) : services.newDocument()) },
    'file.open': { run: () => (desktop ? void desktop.open() : get().set({ dialog: 'open' })) },
    'file.save': {
      run: () => {
        if (get().path) void services.save();
        else if (desktop) void desktop.saveAs();
        else get().set({ dialog: 'saveAs' });
      },
    },
    'file.saveAs': { run: () => (desktop ? void desktop.saveAs() : get().set({ dialog: 'saveAs' })) },
    'file.export': { run: () => get().set({ dialog: 'export' }) },
    'file.importAsyncApi': { run: () => (desktop ? void desktop.importAsyncApi() : get().set({ dialog: 'import' })) },
    'edit.undo': { enabled: (s) => s.history.past.length > 0, run: () => get().undo() },
    'edit.redo': { enabled: (s) => s.history.future.length > 0, run: () => get().redo() },
    'edit.copy': {
      enabled: (s) => s.selectedNodes.length > 0,
      run: () => {
        const clip = copyElements(get().flow, get().selectedNodes);
        get().set({ clipboard: clip });
        const yaml = clipToYaml(clip);
        lastCopiedYaml = yaml;
        clipboard?.writeText(yaml).catch(() => get().toast('info', 'Copied inside the designer only: the system clipboard refused the text.'));
      },
    },
    'edit.paste': {
      run: () => {
        const internal = get().clipboard;
        const fromSystem = clipboard ? clipboard.readText() : Promise.reject(new Error('no clipboard'));
        void fromSystem
          .then((text) => {
            // Our own copy: paste beside the originals; other flow YAML: in the middle of the view.
            if (text === lastCopiedYaml && internal) return void pasteClip(store, internal);
            const clip = clipFromYaml(text);
            if (clip) return void pasteClip(store, clip, viewCenter());
            if (internal) return void pasteClip(store, internal);
            get().toast('info', 'The clipboard holds no nodes: copy nodes, or flow YAML with a `nodes:` list.');
          })
          .catch(() => {
            if (internal) pasteClip(store, internal);
          });
      },
    },
    'edit.delete': {
      enabled: hasSelection,
      run: () => {
        const { selectedNodes, selectedEdges } = get();
        get().change((flow) => removeElements(flow, selectedNodes, selectedEdges));
        get().select([]);
      },
    },
    'edit.duplicate': {
      enabled: (s) => s.selectedNodes.length > 0,
      // A paste of a copy that never touches the clipboard: fresh ids, offset, the edges between them.
      run: () => void pasteClip(store, copyElements(get().flow, get().selectedNodes)),
    },
    'edit.toggleDisabled': {
      enabled: (s) => s.selectedNodes.length > 0,
      run: () => get().change((flow) => toggleDisabled(flow, get().selectedNodes)),
    },
    'edit.group': {
      enabled: (s) => s.selectedNodes.length > 0,
      run: () => get().change((flow) => addFrame(flow, get().selectedNodes).flow),
    },
    'edit.ungroup': {
      enabled: (s) => framesOf(s.flow).some((f) => f.nodes.some((id) => s.selectedNodes.includes(id))),
      run: () => get().change((flow) => removeFramesOf(flow, get().selectedNodes)),
    },
    'edit.find': { enabled: (s) => s.flow.nodes.length > 0, run: () => get().set({ overlay: 'find' }) },
    'edit.selectAll': { run: () => get().select(get().flow.nodes.map((n) => n.id)) },
    'edit.quickAdd': { run: () => get().set({ overlay: 'quickAdd' }) },
    'edit.connect': { enabled: (s) => s.selectedNodes.length === 1, run: () => get().set({ overlay: 'connect' }) },
    'edit.makeComponent': { enabled: (s) => s.selectedNodes.length > 0, run: () => get().set({ dialog: 'makeComponent' }) },
    'view.fitView': { run: () => get().set({ fitViewSeq: get().fitViewSeq + 1, fitReadable: false }) },
    'view.autoLayout': {
      enabled: (s) => s.flow.nodes.length > 0,
      run: () => {
        const { measured } = get();
        get().change((flow) => moveNodes(flow, autoLayout(flow, measured)));
        get().set({ fitViewSeq: get().fitViewSeq + 1, fitReadable: true });
      },
    },
    'view.toggleInspector': { run: () => toggleLayout('inspectorOpen') },
    'view.togglePanel': { run: () => toggleLayout('dockOpen') },
    'view.maximizeEditor': { run: () => toggleLayout('editorMax') },
    'view.toggleTheme': {
      run: () => {
        const theme = get().theme === 'dark' ? 'light' : 'dark';
        get().set({ theme });
        remember('wsflow.theme', theme);
      },
    },
    // F5 starts a stopped flow, and continues the connection paused at a breakpoint.
    'run.start': {
      enabled: (s) => (!s.run && !s.runBusy) || (!!s.run && s.paused.length > 0),
      run: () => void (get().run && get().paused.length > 0 ? services.debugContinue() : services.startRun()),
    },
    'run.toggleBreakpoint': { enabled: (s) => s.selectedNodes.length > 0, run: () => services.toggleBreakpoint() },
    'run.step': { enabled: (s) => !!s.run && s.paused.length > 0, run: () => void services.debugStep() },
    'run.stop': { enabled: (s) => !!s.run && !s.runBusy, run: () => void services.stopRun() },
    'help.shortcuts': { run: () => get().set({ overlay: 'shortcuts' }) },
  };
}
