/**
 * The Electron shell, when the designer runs inside it (`window.wsflowDesktop`, see DesktopApi in
 * runtime/studio/protocol.ts): native menus run the same commands, native dialogs replace the
 * in-page ones, and the shell learns about unsaved work for its close prompt and title.
 * In the browser studio there is no desktop and nothing here runs.
 */
import type { DesktopApi, DesktopMenuCommand } from '../../runtime/studio/protocol.ts';
import { errorMessage } from './client.ts';
import type { Services } from './services/index.ts';
import { isDirty, type StudioStore } from './store.ts';

declare global {
  interface Window {
    wsflowDesktop?: DesktopApi;
  }
}

export interface Desktop {
  open(): Promise<void>;
  saveAs(): Promise<void>;
  importAsyncApi(): Promise<void>;
  pickExportFolder(defaultPath: string): Promise<string | undefined>;
  /** Wire menus, "open this file" requests and document state; returns an unsubscribe. */
  connect(run: (command: DesktopMenuCommand) => void): () => void;
}

export function createDesktop(api: DesktopApi | undefined, services: Services, store: StudioStore): Desktop | undefined {
  if (!api) return undefined;
  const absolute = (path: string): string => {
    const root = store.getState().root;
    return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || !root ? path : `${root}/${path}`;
  };
  const remember = () => {
    const { path } = store.getState();
    if (path) api.addRecentFile(absolute(path)).catch((error: unknown) => store.getState().toast('error', `Cannot add to Open Recent: ${errorMessage(error)}`));
  };
  return {
    async open() {
      const path = await api.showOpenDialog();
      if (!path) return;
      await services.openFile(path);
      remember();
    },
    async saveAs() {
      const state = store.getState();
      const path = await api.showSaveDialog({ defaultPath: absolute(state.path ?? `${state.flow.name || 'flow'}.wsflow.yaml`) });
      if (!path) return;
      // The native dialog already asked before replacing a file.
      const failure = await services.saveAs(path, true);
      if (failure) store.getState().toast('error', `Save failed: ${failure}`);
      else remember();
    },
    async importAsyncApi() {
      const file = await api.openAsyncApiFile();
      if (!file) return;
      try {
        await services.importAsyncApi({ text: file.text, name: file.path.split(/[\\/]/).pop() ?? 'asyncapi.yaml' });
      } catch (error) {
        store.getState().toast('error', `Import failed: ${errorMessage(error)}`);
      }
    },
    pickExportFolder: (defaultPath) => api.showExportFolderDialog({ defaultPath }),
    connect(run) {
      const offMenu = api.onMenuCommand(run);
      const offOpen = api.onOpenFile((path) => void services.openFile(path).then(remember));
      let last = '';
      const offState = store.subscribe((state) => {
        const next = { dirty: isDirty(state), ...(state.path ? { path: state.path } : {}) };
        const key = JSON.stringify(next);
        if (key === last) return;
        last = key;
        api.setDocumentState(next);
      });
      return () => {
        offMenu();
        offOpen();
        offState();
      };
    },
  };
}
