/**
 * Main-process side of the DesktopApi: one handler per `wsflow:` channel. Every message is
 * checked twice: the sender frame must be the app's top frame, and the payload must have the
 * expected shape (the renderer shows user content, so treat it as untrusted).
 */
import type { IpcMain, WebFrameMain } from 'electron';
import { DESKTOP_CHANNELS, type DocumentState } from './desktop-api.ts';
import { isAcceptablePath } from './recent-files.ts';

export interface DesktopServices {
  /** Open dialog for a flow: a path inside the studio root, or undefined (cancelled, or reopened elsewhere). */
  showOpenDialog(): Promise<string | undefined>;
  openAsyncApiFile(): Promise<{ path: string; text: string } | undefined>;
  showSaveDialog(defaultPath?: string): Promise<string | undefined>;
  showExportFolderDialog(defaultPath?: string): Promise<string | undefined>;
  recentFiles(): string[];
  addRecentFile(path: string): Promise<void>;
  setDocumentState(state: DocumentState): void;
  appVersion(): string;
}

export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`wsflow: refused ${channel} from a frame outside the app`);
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function parseDefaultPath(value: unknown): string | undefined {
  const path = record(value)['defaultPath'];
  return isAcceptablePath(path) ? path : undefined;
}

/** `{ dirty, path? }`; the path may be absolute or relative to the studio root (as protocol paths are). */
export function parseDocumentState(value: unknown): DocumentState | undefined {
  const input = record(value);
  if (typeof input['dirty'] !== 'boolean') return undefined;
  const path = input['path'];
  const usable = typeof path === 'string' && path.length > 0 && path.length <= 4096 && !path.includes('\0');
  return usable ? { dirty: input['dirty'], path } : { dirty: input['dirty'] };
}

export function registerDesktopIpc(
  ipcMain: IpcMain,
  services: DesktopServices,
  isTrusted: (frame: WebFrameMain | null) => boolean,
): void {
  const handle = (channel: string, run: (arg: unknown) => unknown) => {
    ipcMain.handle(channel, (event, arg) => {
      if (!isTrusted(event.senderFrame)) throw new UntrustedSenderError(channel);
      return run(arg);
    });
  };
  const orNull = async (path: Promise<string | undefined>) => (await path) ?? null;

  handle(DESKTOP_CHANNELS.showOpenDialog, () => orNull(services.showOpenDialog()));
  handle(DESKTOP_CHANNELS.openAsyncApiFile, async () => (await services.openAsyncApiFile()) ?? null);
  handle(DESKTOP_CHANNELS.showSaveDialog, (arg) => orNull(services.showSaveDialog(parseDefaultPath(arg))));
  handle(DESKTOP_CHANNELS.showExportFolderDialog, (arg) => orNull(services.showExportFolderDialog(parseDefaultPath(arg))));
  handle(DESKTOP_CHANNELS.getRecentFiles, () => services.recentFiles());
  handle(DESKTOP_CHANNELS.addRecentFile, async (arg) => {
    if (isAcceptablePath(arg)) await services.addRecentFile(arg);
  });
  handle(DESKTOP_CHANNELS.appVersion, () => services.appVersion());
  ipcMain.on(DESKTOP_CHANNELS.setDocumentState, (event, arg) => {
    if (!isTrusted(event.senderFrame)) return;
    const state = parseDocumentState(arg);
    if (state) services.setDocumentState(state);
  });
}
