/**
 * The Electron shell, when the designer runs inside it (`window.wsflowDesktop`, see DesktopApi in
 * runtime/studio/protocol.ts): native menus run the same commands, native dialogs replace the
 * in-page ones, and the shell learns about unsaved work for its close prompt and title.
 * In the browser studio `desktop` is undefined and nothing here runs.
 */
import type { DesktopApi, DesktopMenuCommand } from '../../runtime/studio/protocol.ts';
import { errorMessage } from './client.ts';
import { importAsyncApi, openFile, saveAs } from './services.ts';
import { isDirty, useStudio } from './store.ts';

declare global {
  interface Window {
    wsflowDesktop?: DesktopApi;
  }
}

export const desktop: DesktopApi | undefined = typeof window !== 'undefined' ? window.wsflowDesktop : undefined;

function absolute(path: string): string {
  const root = useStudio.getState().root;
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || !root ? path : `${root}/${path}`;
}

/** Wire menus, "open this file" requests and document state; `run` executes a command id. */
export function connectDesktop(run: (command: DesktopMenuCommand) => void): void {
  if (!desktop) return;
  desktop.onMenuCommand(run);
  desktop.onOpenFile((path) => void openFile(path).then(() => remember()));
  let last = '';
  useStudio.subscribe((state) => {
    const next = { dirty: isDirty(state), ...(state.path ? { path: state.path } : {}) };
    const key = JSON.stringify(next);
    if (key === last) return;
    last = key;
    desktop?.setDocumentState(next);
  });
}

function remember(): void {
  const { path } = useStudio.getState();
  if (desktop && path) void desktop.addRecentFile(absolute(path)).catch(() => undefined);
}

export async function desktopOpen(): Promise<void> {
  const path = await desktop?.showOpenDialog();
  if (!path) return;
  await openFile(path);
  remember();
}

export async function desktopSaveAs(): Promise<void> {
  const state = useStudio.getState();
  const path = await desktop?.showSaveDialog({ defaultPath: absolute(state.path ?? `${state.flow.name || 'flow'}.wsflow.yaml`) });
  if (!path) return;
  // The native dialog already asked before replacing a file.
  const failure = await saveAs(path, true);
  if (failure) useStudio.getState().toast('error', `Save failed: ${failure}`);
  else remember();
}

export async function desktopImport(): Promise<void> {
  const file = await desktop?.openAsyncApiFile();
  if (!file) return;
  try {
    await importAsyncApi({ text: file.text, name: file.path.split(/[\\/]/).pop() ?? 'asyncapi.yaml' });
  } catch (error) {
    useStudio.getState().toast('error', `Import failed: ${errorMessage(error)}`);
  }
}
