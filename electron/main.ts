/**
 * The Electron main process: the only module that drives Electron objects (handed in by
 * `entry.mjs`). It starts the studio backend in-process on a free loopback port, opens one
 * hardened window on it, and wires menus, dialogs, recent files, window state, file association
 * and the single-instance lock to the pure modules beside it.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { startStudio, type StudioHandle } from '../runtime/studio/server.ts';
import type { BrowserWindow, Rectangle } from 'electron';

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
import { loadWindowState, MIN_SIZE, saveWindowStateSync } from './window-state.ts';

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

export async function startDesktop(electron: ElectronMain, options: DesktopOptions): Promise<void> {
  const { app, BrowserWindow: Window, Menu, dialog, ipcMain, screen, session } = electron;
  app.name = 'wsflow';
  if (!app.requestSingleInstanceLock()) {
    // Another instance owns the window; it receives our argv through `second-instance`.
    app.quit();
    return;
  }

  let window: BrowserWindow | undefined;
  let studio: StudioHandle | undefined;
  let studioRoot = '';
  let appOrigin = '';
  let closeConfirmed = false;
  /** Set while the shell itself reloads the page on a new studio (after the unsaved prompt). */
  let reloading = false;
  const pendingFiles = [...options.pendingOpenFiles];
  const showError = (error: unknown) => dialog.showErrorBox('wsflow', error instanceof Error ? error.message : String(error));
  const initialFile = pendingFiles.pop() ?? findFlowFileArg(process.argv.slice(1), process.cwd());

  // Every web contents, present and future: no navigation away, no new windows, no webviews.
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (!allowNavigation(url, appOrigin)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler((details) => windowOpenResponse(details.url));
  });
  // Files that arrive before the first studio is up wait in pendingFiles, then open in order.
  let ready = false;
  const requestOpen = (path: string) => {
    if (ready) void openFlowFile(path).catch(showError);
    else pendingFiles.push(path);
  };
  app.on('open-file', (event, path) => {
    event.preventDefault();
    requestOpen(path);
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
    const file = findFlowFileArg(argv.slice(1), workingDirectory);
    if (file) requestOpen(file);
  });

  await app.whenReady();

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(grantPermission(permission)));
  ses.setPermissionCheckHandler((_contents, permission) => grantPermission(permission));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.url, details.responseHeaders, appOrigin) });
  });

  const userData = app.getPath('userData');
  const recent = await RecentFiles.load(join(userData, 'recent-files.json'));
  const guard = new UnsavedGuard({
    ask: async (state) => {
      if (!window) return 'discard';
      const { message, detail } = closePromptMessage(state);
      const { response } = await dialog.showMessageBox(window, {
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
    requestSave: () => sendCommand('file.save'),
  });

  const sendCommand = (command: DesktopMenuCommand) => window?.webContents.send(DESKTOP_CHANNELS.menuCommand, command);
  const refreshMenu = () => {
    const entries = buildMenuTemplate({
      platform: process.platform,
      appName: 'wsflow',
      recentFiles: recent.get(),
      developerTools: !app.isPackaged,
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronTemplate(entries, onMenuAction)));
  };
  const onMenuAction = (action: MenuAction) => {
    switch (action.kind) {
      case 'command':
        sendCommand(action.command);
        return;
      case 'openRecent':
        void openFlowFile(action.path).catch(showError);
        return;
      case 'clearRecent':
        app.clearRecentDocuments();
        void recent.clear().then(refreshMenu, showError);
        return;
      case 'about':
        if (window) {
          void dialog.showMessageBox(window, {
            type: 'info',
            message: `wsflow ${app.getVersion()}`,
            detail: `A desktop designer for WebSocket services.\nElectron ${process.versions['electron'] ?? '?'} · Chromium ${process.versions['chrome'] ?? '?'} · Node ${process.versions.node}`,
            buttons: ['OK'],
          });
        }
        return;
    }
  };
  const remember = async (path: string) => {
    app.addRecentDocument(path);
    await recent.add(path);
    refreshMenu();
  };

  const launchStudio = async (file: string | undefined) => {
    const previous = studio;
    studio = undefined;
    await previous?.close();
    studioRoot = file ? dirname(file) : app.getPath('documents');
    studio = await startStudio({
      port: 0,
      host: '127.0.0.1',
      ...(file ? { file } : { root: studioRoot }),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    appOrigin = originOf(studio.url) ?? '';
    if (file) await remember(file);
    guard.reset();
    reloading = true;
    try {
      await window?.loadURL(studio.url);
    } finally {
      reloading = false;
    }
  };

  /** Open a flow: in the running studio when it is inside its folder, else in a new studio there. */
  const openFlowFile = async (path: string) => {
    const exists = await stat(path).then((s) => s.isFile(), () => false);
    if (!exists) {
      dialog.showErrorBox('wsflow', `${path}: no such file.`);
      return;
    }
    if (studio && isInside(path, studioRoot)) {
      await remember(path);
      window?.webContents.send(DESKTOP_CHANNELS.openFile, path);
      return;
    }
    const reopen = () => void launchStudio(path).catch(showError);
    if (guard.confirmLeave(reopen)) reopen();
  };

  const dialogs = createDialogs(dialog, () => window, () => studioRoot);
  registerDesktopIpc(
    ipcMain,
    {
      showOpenDialog: async () => {
        const path = await dialogs.showOpenDialog('flow');
        if (!path) return undefined;
        if (isInside(path, studioRoot)) {
          await remember(path);
          return path;
        }
        await openFlowFile(path);
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
      recentFiles: () => recent.get(),
      addRecentFile: (path) => remember(path),
      setDocumentState: (reported) => {
        const state = reported.path ? { ...reported, path: resolve(studioRoot, reported.path) } : reported;
        guard.setDocumentState(state);
        if (!window) return;
        const name = state.path ? state.path.split(/[\\/]/).pop() : 'Untitled';
        window.setTitle(`${state.dirty ? '● ' : ''}${name} — wsflow`);
        window.setDocumentEdited(state.dirty);
        if (state.path && process.platform === 'darwin') window.setRepresentedFilename(state.path);
      },
      appVersion: () => app.getVersion(),
    },
    (frame) => isTrustedSender(frame, appOrigin),
  );
  refreshMenu();

  const displays = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay();
  const workAreas: Rectangle[] = [primary.workArea, ...displays.filter((d) => d.id !== primary.id).map((d) => d.workArea)];
  const stateFile = join(userData, 'window-state.json');
  const state = await loadWindowState(stateFile, workAreas);

  const win = new Window({
    x: state.bounds.x,
    y: state.bounds.y,
    width: state.bounds.width,
    height: state.bounds.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'wsflow',
    icon: join(options.appRoot, 'build', 'icon.png'),
    backgroundColor: '#1e1e24',
    webPreferences: {
      preload: join(options.appRoot, 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window = win;
  if (state.maximized) win.maximize();
  win.on('ready-to-show', () => win.show());
  // The designer's `beforeunload` guards the browser tab. Here the native prompt above already
  // asked (the window's `close` comes before `beforeunload`), so the page's veto is overridden;
  // only a renderer that never reported its state gets Electron's documented Leave/Stay prompt.
  win.webContents.on('will-prevent-unload', (event) => {
    if (closeConfirmed || reloading || guard.informed) {
      event.preventDefault();
      return;
    }
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      message: 'Leave wsflow? Changes you made may not be saved.',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    });
    if (choice === 0) event.preventDefault();
  });
  win.on('close', (event) => {
    if (!closeConfirmed && !guard.confirmLeave(() => {
      closeConfirmed = true;
      win.close();
    })) {
      event.preventDefault();
      return;
    }
    try {
      saveWindowStateSync(stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    } catch {
      // Remembering the window is a convenience; a read-only profile must not block closing.
    }
  });
  win.on('closed', () => {
    window = undefined;
  });

  app.on('window-all-closed', () => {
    // One document window: closing it ends the app on every platform (and stops the backend).
    app.quit();
  });
  app.on('will-quit', () => {
    void studio?.close();
  });

  let firstFile = initialFile;
  if (firstFile && !(await stat(firstFile).then((s) => s.isFile(), () => false))) {
    // A stale association or a typo: say so, and open the designer without it.
    dialog.showErrorBox('wsflow', `${firstFile}: no such file.`);
    firstFile = undefined;
  }
  try {
    await launchStudio(firstFile);
  } catch (error) {
    dialog.showErrorBox('wsflow could not start', String((error as Error).message ?? error));
    app.exit(1);
    return;
  }
  while (pendingFiles.length > 0) await openFlowFile(pendingFiles.shift() ?? '').catch(showError);
  ready = true;
}
