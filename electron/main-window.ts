/**
 * The desktop app's one window: hardened web preferences, placed where it was last closed
 * (window-state.ts), and the unsaved-changes prompts when it closes or its page unloads.
 */
import { join } from 'node:path';
import type { BrowserWindow, Rectangle } from 'electron';
import type { ElectronMain } from './main.ts';
import type { UnsavedGuard } from './unsaved-guard.ts';
import { loadWindowState, MIN_SIZE, saveWindowStateSync } from './window-state.ts';

/** What the window reads and sets of the shell's state (main.ts). */
export interface WindowShell {
  window: BrowserWindow | undefined;
  /** Set once the user agreed to close (the unsaved prompt ran, or nothing was unsaved). */
  closeConfirmed: boolean;
  /** Set while the shell itself reloads the page on a new studio (after the unsaved prompt). */
  reloading: boolean;
  guard: UnsavedGuard;
}

/** The one hardened window, where it was last closed, with the unsaved-changes prompts on close. */
export async function openWindow(electron: ElectronMain, shell: WindowShell, appRoot: string): Promise<void> {
  const { app, BrowserWindow: Window, dialog, screen } = electron;
  const displays = screen.getAllDisplays();
  const primary = screen.getPrimaryDisplay();
  const workAreas: Rectangle[] = [primary.workArea, ...displays.filter((d) => d.id !== primary.id).map((d) => d.workArea)];
  const stateFile = join(app.getPath('userData'), 'window-state.json');
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
    icon: join(appRoot, 'build', 'icon.png'),
    backgroundColor: '#1e1e24',
    webPreferences: {
      preload: join(appRoot, 'dist', 'electron', 'preload.cjs'),
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
  shell.window = win;
  if (state.maximized) win.maximize();
  win.on('ready-to-show', () => win.show());
  // The designer's `beforeunload` guards the browser tab. Here the native prompt already asked
  // (the window's `close` comes before `beforeunload`), so the page's veto is overridden; only a
  // renderer that never reported its state gets Electron's documented Leave/Stay prompt.
  win.webContents.on('will-prevent-unload', (event) => {
    if (shell.closeConfirmed || shell.reloading || shell.guard.informed) {
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
    if (!shell.closeConfirmed && !shell.guard.confirmLeave(() => {
      shell.closeConfirmed = true;
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
    shell.window = undefined;
  });
}
