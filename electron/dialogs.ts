/**
 * Native open / save / export-folder dialogs, over an injected Electron `dialog`.
 */
import { basename, dirname, join } from 'node:path';
import type { BrowserWindow, Dialog, FileFilter } from 'electron';
import { isFlowFileName } from './argv.ts';

const FLOW_FILTERS: FileFilter[] = [
  // Multi-dot extensions are not portable in native filters; '*.yaml' is the closest all three OSes honour.
  { name: 'wsflow flow (*.wsflow.yaml)', extensions: ['yaml', 'yml'] },
  { name: 'All Files', extensions: ['*'] },
];
const ASYNCAPI_FILTERS: FileFilter[] = [
  { name: 'AsyncAPI document', extensions: ['yaml', 'yml', 'json'] },
  { name: 'All Files', extensions: ['*'] },
];

/**
 * A save path that ends in `.wsflow.yaml`: `chat` -> `chat.wsflow.yaml`, `chat.yaml` ->
 * `chat.wsflow.yaml`; `chat.wsflow.yml` is kept as the user typed it.
 */
export function ensureFlowExtension(path: string): string {
  if (isFlowFileName(path)) return path;
  const name = basename(path);
  const stem = name.replace(/\.ya?ml$/i, '');
  return join(dirname(path), `${stem}.wsflow.yaml`);
}

export interface Dialogs {
  showOpenDialog(kind: 'flow' | 'asyncapi'): Promise<string | undefined>;
  showSaveDialog(defaultPath?: string): Promise<string | undefined>;
  showExportFolderDialog(defaultPath?: string): Promise<string | undefined>;
}

/** Dialogs start in `defaultDir()` (the studio root: files outside it cannot be saved to). */
export function createDialogs(dialog: Dialog, getWindow: () => BrowserWindow | undefined, defaultDir: () => string): Dialogs {
  const window = (): BrowserWindow => {
    const win = getWindow();
    if (!win) throw new Error('wsflow: no window to attach the dialog to');
    return win;
  };
  return {
    async showOpenDialog(kind) {
      const result = await dialog.showOpenDialog(window(), {
        title: kind === 'asyncapi' ? 'Import AsyncAPI' : 'Open Flow',
        defaultPath: defaultDir(),
        filters: kind === 'asyncapi' ? ASYNCAPI_FILTERS : FLOW_FILTERS,
        properties: ['openFile'],
      });
      return result.canceled ? undefined : result.filePaths[0];
    },
    async showSaveDialog(defaultPath) {
      const result = await dialog.showSaveDialog(window(), {
        title: 'Save Flow',
        defaultPath: defaultPath ?? join(defaultDir(), 'untitled.wsflow.yaml'),
        filters: FLOW_FILTERS,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      return result.canceled || !result.filePath ? undefined : ensureFlowExtension(result.filePath);
    },
    async showExportFolderDialog(defaultPath) {
      const result = await dialog.showOpenDialog(window(), {
        title: 'Export To Folder',
        buttonLabel: 'Export Here',
        defaultPath: defaultPath ?? defaultDir(),
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      return result.canceled ? undefined : result.filePaths[0];
    },
  };
}
