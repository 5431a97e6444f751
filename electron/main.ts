/**
 * The Electron main process: the only module that drives Electron objects (handed in by
 * `entry.mjs`). It starts the studio backend in-process on a free loopback port, opens one
 * hardened window on it (main-window.ts), and wires menus, dialogs, recent files, window state, file association
 * and the single-instance lock to the pure modules beside it.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { startStudio, type StudioHandle } from '../runtime/studio/server.ts';
import type { BrowserWindow } from 'electron';

/** What `import('electron')` gives the main process (entry.mjs passes it in; tests pass a stand-in). */
export type ElectronMain = typeof import('electron/main');
import { DESKTOP_CHANNELS, type DesktopMenuCommand } from './desktop-api.ts';
import { findFlowFileArg } from './argv.ts';
import { createDialogs } from './dialogs.ts';
import { registerDesktopIpc } from './ipc.ts';
import { buildMenuTemplate, toElectronTemplate, type MenuAction } from './menu.ts';
import { allowNavigation, grantPermission, isTrustedSender, originOf, windowOpenResponse, withContentSecurityPolicy } from './policy.ts';
import { RecentFiles } from './recent-files.ts';
import { CLOSE_PROMPT_BUTTONS, CLOSE_PROMPT_CANCEL_ID, UnsavedGuard, choiceFromResponse, closePromptMessage } from './unsaved-guard.ts';
import { openWindow, type WindowShell } from './main-window.ts';

export interface DesktopOptions {
  /** Repository (or packaged app) root: holds `dist/electron/preload.cjs` and `build/icon.png`. */
  appRoot: string;
  /** Files macOS asked to open (`open-file`) before this module was loaded. */
  pendingOpenFiles: string[];
}

const MAX_ASYNCAPI_BYTES = 5 * 1024 * 1024;

function isInside(file: string, folder: string): boolean {
  const rel = relative(folder, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * What the parts below share: the one window, the studio serving it, and the origin every
 * policy check compares with (it changes when a flow outside the studio's folder is opened).
 */
interface Shell extends WindowShell {
  readonly electron: ElectronMain;
  studio: StudioHandle | undefined;
  studioRoot: string;
  appOrigin: string;
  recent: RecentFiles;
  showError: (error: unknown) => void;
}

export async function startDesktop(electron: ElectronMain, options: DesktopOptions): Promise<void> {
  const { app } = electron;
  app.name = 'wsflow';
  if (!app.requestSingleInstanceLock()) {
    // Another instance owns the window; it receives our argv through `second-instance`.
    app.quit();
    return;
  }
  const pendingFiles = [...options.pendingOpenFiles];
  const initialFile = pendingFiles.pop() ?? findFlowFileArg(process.argv.slice(1), process.cwd());
  // Listeners that must be in place before `ready` reach the shell through this holder.
  const early: { shell?: Shell; ready: boolean } = { ready: false };
  const appOrigin = () => early.shell?.appOrigin ?? '';
  hardenWebContents(electron, appOrigin);
  acceptFileRequests(electron, () => early.shell?.window, (path) => {
    if (early.ready && early.shell) void openFlowFile(early.shell, path).catch(early.shell.showError);
    else pendingFiles.push(path);
  });

  await app.whenReady();

  hardenSession(electron, appOrigin);
  const shell = await createShell(electron);
  early.shell = shell;
  registerIpc(shell);
  refreshMenu(shell);
  await openWindow(electron, shell, options.appRoot);
  app.on('window-all-closed', () => {
    // One document window: closing it ends the app on every platform (and stops the backend).
    app.quit();
  });
  app.on('will-quit', () => {
    void shell.studio?.close();
  });

  if (!(await firstStudio(shell, initialFile))) return;
  // Files that arrived before the first studio was up open now, in order.
  while (pendingFiles.length > 0) await openFlowFile(shell, pendingFiles.shift() ?? '').catch(shell.showError);
  early.ready = true;
}

/** Every web contents, present and future: no navigation away, no new windows, no webviews. */
function hardenWebContents({ app }: ElectronMain, appOrigin: () => string): void {
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (!allowNavigation(url, appOrigin())) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler((details) => windowOpenResponse(details.url));
  });
}

/** Flow files handed to the app by the OS (macOS `open-file`) or by a second launch (its argv). */
function acceptFileRequests({ app }: ElectronMain, window: () => BrowserWindow | undefined, requestOpen: (path: string) => void): void {
  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const win = window();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
    const file = findFlowFileArg(argv.slice(1), workingDirectory);
    if (file) requestOpen(file);
  });
}

/** Permissions and the Content-Security-Policy of every response (policy.ts decides). */
function hardenSession({ session }: ElectronMain, appOrigin: () => string): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(grantPermission(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => grantPermission(permission));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.url, details.responseHeaders, appOrigin()) });
  });
}

async function createShell(electron: ElectronMain): Promise<Shell> {
  const { app, dialog } = electron;
  const recent = await RecentFiles.load(join(app.getPath('userData'), 'recent-files.json'));
  const shell: Shell = {
    electron,
    window: undefined,
    studio: undefined,
    studioRoot: '',
    appOrigin: '',
    closeConfirmed: false,
    reloading: false,
    recent,
    guard: new UnsavedGuard({
      ask: async (state) => {
        if (!shell.window) return 'discard';
        const { message, detail } = closePromptMessage(state);
        const { response } = await dialog.showMessageBox(shell.window, {
          type: 'warning',
          message,
          detail,
          buttons: [...CLOSE_PROMPT_BUTTONS],
          defaultId: 0,
          cancelId: CLOSE_PROMPT_CANCEL_ID,
          noLink: true,
        });
        return choiceFromResponse(response);
      },
      requestSave: () => sendCommand(shell, 'file.save'),
    }),
    showError: (error: unknown) => dialog.showErrorBox('wsflow', error instanceof Error ? error.message : String(error)),
  };
  return shell;
}

function sendCommand(shell: Shell, command: DesktopMenuCommand): void {
  shell.window?.webContents.send(DESKTOP_CHANNELS.menuCommand, command);
}

// ------------------------------------------------------------------ menu
function refreshMenu(shell: Shell): void {
  const { app, Menu } = shell.electron;
  const entries = buildMenuTemplate({
    platform: process.platform,
    appName: 'wsflow',
    recentFiles: shell.recent.get(),
    developerTools: !app.isPackaged,
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronTemplate(entries, (action) => onMenuAction(shell, action))));
}

function onMenuAction(shell: Shell, action: MenuAction): void {
  const { app, dialog } = shell.electron;
  switch (action.kind) {
    case 'command':
      sendCommand(shell, action.command);
      return;
    case 'openRecent':
      void openFlowFile(shell, action.path).catch(shell.showError);
      return;
    case 'clearRecent':
      app.clearRecentDocuments();
      void shell.recent.clear().then(() => refreshMenu(shell), shell.showError);
      return;
    case 'about':
      if (shell.window) {
        void dialog.showMessageBox(shell.window, {
          type: 'info',
          message: `wsflow ${app.getVersion()}`,
          detail: `A desktop designer for WebSocket services.\nElectron ${process.versions['electron'] ?? '?'} · Chromium ${process.versions['chrome'] ?? '?'} · Node ${process.versions.node}`,
          buttons: ['OK'],
        });
      }
      return;
  }
}

// ------------------------------------------------------------------ flows and studios
async function remember(shell: Shell, path: string): Promise<void> {
  shell.electron.app.addRecentDocument(path);
  await shell.recent.add(path);
  refreshMenu(shell);
}

/** A studio for `file`'s folder (or Documents), replacing the running one, shown in the window. */
async function launchStudio(shell: Shell, file: string | undefined): Promise<void> {
  const previous = shell.studio;
  shell.studio = undefined;
  await previous?.close();
  shell.studioRoot = file ? dirname(file) : shell.electron.app.getPath('documents');
  const studio = await startStudio({
    port: 0,
    host: '127.0.0.1',
    ...(file ? { file } : { root: shell.studioRoot }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  shell.studio = studio;
  shell.appOrigin = originOf(studio.url) ?? '';
  if (file) await remember(shell, file);
  shell.guard.reset();
  shell.reloading = true;
  try {
    await shell.window?.loadURL(studio.url);
  } finally {
    shell.reloading = false;
  }
}

/** Open a flow: in the running studio when it is inside its folder, else in a new studio there. */
async function openFlowFile(shell: Shell, path: string): Promise<void> {
  const exists = await stat(path).then((s) => s.isFile(), () => false);
  if (!exists) {
    shell.electron.dialog.showErrorBox('wsflow', `${path}: no such file.`);
    return;
  }
  if (shell.studio && isInside(path, shell.studioRoot)) {
    await remember(shell, path);
    shell.window?.webContents.send(DESKTOP_CHANNELS.openFile, path);
    return;
  }
  const reopen = () => void launchStudio(shell, path).catch(shell.showError);
  if (shell.guard.confirmLeave(reopen)) reopen();
}

/** The first studio, on the file the app was started with; false when it could not start (the app exits). */
async function firstStudio(shell: Shell, initialFile: string | undefined): Promise<boolean> {
  const { app, dialog } = shell.electron;
  let firstFile = initialFile;
  if (firstFile && !(await stat(firstFile).then((s) => s.isFile(), () => false))) {
    // A stale association or a typo: say so, and open the designer without it.
    dialog.showErrorBox('wsflow', `${firstFile}: no such file.`);
    firstFile = undefined;
  }
  try {
    await launchStudio(shell, firstFile);
    return true;
  } catch (error) {
    dialog.showErrorBox('wsflow could not start', String((error as Error).message ?? error));
    app.exit(1);
    return false;
  }
}

// ------------------------------------------------------------------ IPC from the renderer
function registerIpc(shell: Shell): void {
  const { app, dialog, ipcMain } = shell.electron;
  const dialogs = createDialogs(dialog, () => shell.window, () => shell.studioRoot);
  registerDesktopIpc(
    ipcMain,
    {
      showOpenDialog: async () => {
        const path = await dialogs.showOpenDialog('flow');
        if (!path) return undefined;
        if (isInside(path, shell.studioRoot)) {
          await remember(shell, path);
          return path;
        }
        await openFlowFile(shell, path);
        return undefined;
      },
      openAsyncApiFile: async () => {
        const path = await dialogs.showOpenDialog('asyncapi');
        if (!path) return undefined;
        const info = await stat(path);
        if (info.size > MAX_ASYNCAPI_BYTES) {
          dialog.showErrorBox('wsflow', `${path}: larger than 5 MiB; not an AsyncAPI document wsflow can import.`);
          return undefined;
        }
        return { path, text: await readFile(path, 'utf8') };
      },
      showSaveDialog: (defaultPath) => dialogs.showSaveDialog(defaultPath),
      showExportFolderDialog: (defaultPath) => dialogs.showExportFolderDialog(defaultPath),
      recentFiles: () => shell.recent.get(),
      addRecentFile: (path) => remember(shell, path),
      setDocumentState: (reported) => {
        const state = reported.path ? { ...reported, path: resolve(shell.studioRoot, reported.path) } : reported;
        shell.guard.setDocumentState(state);
        const window = shell.window;
        if (!window) return;
        const name = state.path ? state.path.split(/[\\/]/).pop() : 'Untitled';
        window.setTitle(`${state.dirty ? '● ' : ''}${name} — wsflow`);
        window.setDocumentEdited(state.dirty);
        if (state.path && process.platform === 'darwin') window.setRepresentedFilename(state.path);
      },
      appVersion: () => app.getVersion(),
    },
    (frame) => isTrustedSender(frame, shell.appOrigin),
  );
}
