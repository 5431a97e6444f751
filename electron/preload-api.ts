/**
 * Builds the `window.wsflowDesktop` object from an `ipcRenderer`. Kept apart from `preload.ts`
 * so it can be tested in Node against the real main-process handlers.
 *
 * Security: the renderer never sees the IPC event objects (they expose `sender`), only validated
 * payloads; every result from main is checked before it is handed on.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import {
  DESKTOP_CHANNELS,
  isDesktopMenuCommand,
  type DesktopApi,
  type DocumentState,
  type DesktopMenuCommand,
} from './desktop-api.ts';

function optionalPath(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function createDesktopApi(ipc: IpcRenderer, platform: string): DesktopApi {
  const subscribe = <T>(channel: string, accept: (value: unknown) => value is T, listener: (value: T) => void) => {
    const wrapped = (_event: IpcRendererEvent, value: unknown) => {
      if (accept(value)) listener(value);
    };
    ipc.on(channel, wrapped);
    return () => {
      ipc.removeListener(channel, wrapped);
    };
  };
  const isPath = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

  return {
    isDesktop: true,
    platform,
    onMenuCommand: (listener: (command: DesktopMenuCommand) => void) =>
      subscribe(DESKTOP_CHANNELS.menuCommand, isDesktopMenuCommand, listener),
    onOpenFile: (listener: (path: string) => void) => subscribe(DESKTOP_CHANNELS.openFile, isPath, listener),
    showOpenDialog: async () => optionalPath(await ipc.invoke(DESKTOP_CHANNELS.showOpenDialog)),
    openAsyncApiFile: async () => {
      const result: unknown = await ipc.invoke(DESKTOP_CHANNELS.openAsyncApiFile);
      if (typeof result !== 'object' || result === null) return undefined;
      const { path, text } = result as { path?: unknown; text?: unknown };
      return isPath(path) && typeof text === 'string' ? { path, text } : undefined;
    },
    showSaveDialog: async (options?: { defaultPath?: string }) =>
      optionalPath(await ipc.invoke(DESKTOP_CHANNELS.showSaveDialog, { defaultPath: options?.defaultPath })),
    showExportFolderDialog: async (options?: { defaultPath?: string }) =>
      optionalPath(await ipc.invoke(DESKTOP_CHANNELS.showExportFolderDialog, { defaultPath: options?.defaultPath })),
    getRecentFiles: async () => {
      const list: unknown = await ipc.invoke(DESKTOP_CHANNELS.getRecentFiles);
      return Array.isArray(list) ? list.filter(isPath) : [];
    },
    addRecentFile: async (path: string) => {
      await ipc.invoke(DESKTOP_CHANNELS.addRecentFile, path);
    },
    setDocumentState: (state: DocumentState) => {
      ipc.send(DESKTOP_CHANNELS.setDocumentState, { dirty: state.dirty === true, path: optionalPath(state.path) });
    },
    appVersion: async () => {
      const version: unknown = await ipc.invoke(DESKTOP_CHANNELS.appVersion);
      return typeof version === 'string' ? version : '';
    },
  };
}
