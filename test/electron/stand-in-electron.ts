/**
 * A scripted stand-in for the Electron main-process API (the binary cannot be installed here),
 * implementing the part of Electron's API (its real electron.d.ts types) that electron/main.ts
 * uses; the rest of that large surface is absent, hence the casts where the pieces are handed over. It records what the
 * shell does (windows, menus, messages sent, dialogs shown) and lets a test play the user and
 * the renderer. Everything else in the wiring test is real: the studio backend, HTTP, files.
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions as BrowserWindowOptions,
  HandlerDetails,
  HeadersReceivedResponse,
  IpcMainEvent,
  IpcMainInvokeEvent,
  MessageBoxOptions,
  MenuItemConstructorOptions as MenuItemOptions,
  OnHeadersReceivedListenerDetails as OnHeadersReceivedDetails,
  Rectangle,
  WebContents,
  WebFrameMain,
  WindowOpenHandlerResponse,
} from 'electron';
import type { ElectronMain } from '../../electron/main.ts';

export interface Sent {
  channel: string;
  args: unknown[];
}

export class StandInElectron {
  readonly appEvents = new EventEmitter();
  readonly windows: StandInWindow[] = [];
  menu: MenuItemOptions[] = [];
  readonly handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  readonly listeners = new EventEmitter();
  headersListener?: (details: Pick<OnHeadersReceivedDetails, 'url' | 'responseHeaders'>, callback: (response: HeadersReceivedResponse) => void) => void;
  permissionRequest?: (contents: WebContents, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheck?: (contents: WebContents | null, permission: string) => boolean;
  readonly messageBoxes: string[] = [];
  /** Answers for the next message boxes (button index), in order. */
  readonly messageBoxAnswers: number[] = [];
  readonly errors: string[] = [];
  quitCalls = 0;
  recentDocuments: string[] = [];

  constructor(private readonly paths: { userData: string; documents: string }) {}

  get api(): ElectronMain {
    const self = this;
    const events = this.appEvents;
    const dialog = {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async () => ({ canceled: true }),
      showMessageBox: async (_window: unknown, options: MessageBoxOptions) => {
        self.messageBoxes.push(options.message);
        return { response: self.messageBoxAnswers.shift() ?? options.cancelId ?? 0 };
      },
      showMessageBoxSync: (_window: unknown, options: MessageBoxOptions) => {
        self.messageBoxes.push(options.message);
        return self.messageBoxAnswers.shift() ?? options.cancelId ?? 0;
      },
      showErrorBox: (title: string, content: string) => {
        self.errors.push(`${title}: ${content}`);
      },
    };
    class Window extends StandInWindow {
      constructor(options: BrowserWindowOptions) {
        super(options, self);
        self.windows.push(this);
        events.emit('web-contents-created', { preventDefault() {} }, this.webContents);
      }
    }
    const app = Object.assign(events, {
      isPackaged: false,
      name: 'Electron',
      getVersion: () => '0.1.0',
      getPath: (name: 'userData' | 'home' | 'documents') => (name === 'userData' ? self.paths.userData : self.paths.documents),
      requestSingleInstanceLock: () => true,
      whenReady: async () => {},
      quit: () => {
        self.quitCalls++;
        events.emit('will-quit');
      },
      exit: () => {
        self.quitCalls++;
      },
      addRecentDocument: (path: string) => {
        self.recentDocuments.push(path);
      },
      clearRecentDocuments: () => {
        self.recentDocuments = [];
      },
      setAboutPanelOptions: () => {},
    });
    const api = {
      app,
      BrowserWindow: Window,
      Menu: {
        buildFromTemplate: (template: MenuItemOptions[]) => ({ items: template }),
        setApplicationMenu: (menu: { items: MenuItemOptions[] } | null) => {
          self.menu = menu?.items ?? [];
        },
      },
      dialog,
      ipcMain: {
        handle: (channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) => {
          self.handlers.set(channel, listener);
        },
        on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void) {
          self.listeners.on(channel, listener);
          return this;
        },
      },
      screen: {
        getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
        getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
      },
      session: {
        defaultSession: {
          webRequest: {
            onHeadersReceived: (listener: StandInElectron['headersListener']) => {
              self.headersListener = listener;
            },
          },
          setPermissionRequestHandler: (handler: StandInElectron['permissionRequest'] | null) => {
            self.permissionRequest = handler ?? undefined;
          },
          setPermissionCheckHandler: (handler: StandInElectron['permissionCheck'] | null) => {
            self.permissionCheck = handler ?? undefined;
          },
        },
      },
    };
    return api as unknown as ElectronMain;
  }

  /** Click the menu item with this label (searching submenus). */
  click(label: string): void {
    const find = (items: MenuItemOptions[]): MenuItemOptions | undefined =>
      items.map((i) => (i.label === label ? i : Array.isArray(i.submenu) ? find(i.submenu) : undefined)).find((i) => i);
    const item = find(this.menu);
    if (!item?.click) throw new Error(`no menu item ${label}`);
    // The shell's actions take none of Electron's (menuItem, window, event) arguments.
    (item.click as () => void)();
  }

  /** The renderer calling `ipcRenderer.invoke` from a frame at `url`. */
  async invoke(channel: string, url: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    const frame = { url, parent: null } as unknown as WebFrameMain;
    const window = this.windows[0];
    if (!window) throw new Error('no window');
    return handler({ senderFrame: frame, sender: window.webContents, preventDefault() {} } as unknown as IpcMainInvokeEvent, ...args);
  }

  /** The renderer calling `ipcRenderer.send`. */
  send(channel: string, url: string, ...args: unknown[]): void {
    const window = this.windows[0];
    this.listeners.emit(channel, { senderFrame: { url, parent: null } as unknown as WebFrameMain, sender: window?.webContents, preventDefault() {}, returnValue: undefined }, ...args);
  }
}

export class StandInWindow {
  readonly sent: Sent[] = [];
  readonly loaded: string[] = [];
  /** Loads that have finished (headers through the session hook, ready-to-show emitted). */
  finishedLoads = 0;
  readonly events = new EventEmitter();
  readonly contentsEvents = new EventEmitter();
  windowOpenHandler?: (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse;
  /** The page has a `beforeunload` handler that vetoes leaving (the designer does while dirty). */
  pageBlocksUnload = false;
  destroyed = false;
  title = '';
  readonly webContents: WebContents;

  constructor(
    readonly options: BrowserWindowOptions,
    private readonly electron: StandInElectron,
  ) {
    const self = this;
    const contents = this.contentsEvents;
    this.webContents = Object.assign(contents, {
      id: 1,
      send: (channel: string, ...args: unknown[]) => {
        self.sent.push({ channel, args });
      },
      getURL: () => self.loaded.at(-1) ?? '',
      setWindowOpenHandler: (handler: (details: Pick<HandlerDetails, 'url'>) => WindowOpenHandlerResponse) => {
        self.windowOpenHandler = handler;
      },
    }) as unknown as WebContents;
  }

  /** Loads like Chromium would: a real GET, whose headers pass the session's hook. */
  async loadURL(url: string): Promise<void> {
    if (this.loaded.length > 0 && !this.unloadAllowed()) throw new Error('ERR_ABORTED: the page vetoed the navigation');
    this.loaded.push(url);
    const response = await fetch(url);
    const headers: Record<string, string[]> = {};
    response.headers.forEach((value, name) => (headers[name] = [value]));
    await new Promise<void>((resolve) => this.electron.headersListener?.({ url, responseHeaders: headers }, () => resolve()));
    this.finishedLoads++;
    this.events.emit('ready-to-show');
  }

  /** Navigation attempt; true when the shell let it happen. */
  navigate(url: string): boolean {
    let prevented = false;
    this.contentsEvents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    return !prevented;
  }

  show(): void {}
  focus(): void {}
  restore(): void {}
  maximize(): void {}
  setTitle(title: string): void {
    this.title = title;
  }
  setDocumentEdited(): void {}
  setRepresentedFilename(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  getNormalBounds(): Rectangle {
    return { x: this.options.x ?? 0, y: this.options.y ?? 0, width: this.options.width ?? 0, height: this.options.height ?? 0 };
  }
  on(event: string, listener: (event: { preventDefault(): void }) => void): this {
    this.events.on(event, listener);
    return this;
  }
  /**
   * Like BrowserWindow.close: `close` may be prevented; then the page's `beforeunload` may veto
   * (Electron emits `will-prevent-unload`, whose preventDefault overrides the veto); else
   * `closed`, then window-all-closed.
   */
  close(): void {
    let prevented = false;
    this.events.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented || !this.unloadAllowed()) return;
    this.destroy();
  }
  private unloadAllowed(): boolean {
    if (!this.pageBlocksUnload) return true;
    let overridden = false;
    this.contentsEvents.emit('will-prevent-unload', { preventDefault: () => (overridden = true) });
    return overridden;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.events.emit('closed');
    this.electron.appEvents.emit('window-all-closed');
  }
}
