/**
 * The subset of Electron's API that the shell uses, typed by hand.
 *
 * Why: the Electron package is an optional dependency whose binary cannot be downloaded on every
 * machine, so its bundled `electron.d.ts` may be absent. These interfaces mirror the real
 * signatures (Electron 41) for exactly what `main.ts` and `preload.ts` touch; the pure modules
 * take these as injected parameters so they can be unit-tested in plain Node.
 */

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Display {
  id: number;
  bounds: Rectangle;
  workArea: Rectangle;
}

export interface Screen {
  getAllDisplays(): Display[];
  getPrimaryDisplay(): Display;
}

/** Electron's `Event` as the handlers below receive it. */
export interface ElectronEvent {
  preventDefault(): void;
}

export interface WebFrameMain {
  readonly url: string;
  readonly parent: WebFrameMain | null;
}

export interface IpcMainInvokeEvent extends ElectronEvent {
  readonly senderFrame: WebFrameMain | null;
  readonly sender: WebContents;
}

export interface IpcMainEvent extends IpcMainInvokeEvent {
  returnValue: unknown;
}

export interface IpcMain {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): this;
}

export interface IpcRendererEvent {
  readonly sender: unknown;
}

export interface IpcRenderer {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export interface HandlerDetails {
  url: string;
}

export type WindowOpenHandlerResponse = { action: 'deny' };

export interface WebContents {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  getURL(): string;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: ElectronEvent, url: string) => void): this;
  on(event: 'did-finish-load', listener: () => void): this;
  on(event: 'will-attach-webview' | 'will-prevent-unload', listener: (event: ElectronEvent) => void): this;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
}

export interface OnHeadersReceivedDetails {
  url: string;
  responseHeaders?: Record<string, string[]>;
}

export interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
}

export interface WebRequest {
  onHeadersReceived(
    listener: (details: OnHeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void,
  ): void;
}

export interface Session {
  readonly webRequest: WebRequest;
  setPermissionRequestHandler(
    handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string) => boolean) | null): void;
}

export interface WebPreferences {
  preload?: string;
  contextIsolation: boolean;
  sandbox: boolean;
  nodeIntegration: boolean;
  nodeIntegrationInWorker: boolean;
  nodeIntegrationInSubFrames: boolean;
  webSecurity: boolean;
  allowRunningInsecureContent: boolean;
  experimentalFeatures: boolean;
  webviewTag: boolean;
  navigateOnDragDrop: boolean;
  spellcheck: boolean;
}

export interface BrowserWindowOptions {
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  icon?: string;
  backgroundColor?: string;
  webPreferences: WebPreferences;
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  close(): void;
  destroy(): void;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isMaximized(): boolean;
  getNormalBounds(): Rectangle;
  setTitle(title: string): void;
  setDocumentEdited(edited: boolean): void;
  setRepresentedFilename(filename: string): void;
  on(event: 'close', listener: (event: ElectronEvent) => void): this;
  on(event: 'closed' | 'ready-to-show' | 'resize' | 'move' | 'maximize' | 'unmaximize', listener: () => void): this;
}

export interface BrowserWindowConstructor {
  new (options: BrowserWindowOptions): BrowserWindow;
}

/** Electron's MenuItemConstructorOptions, restricted to the fields the template uses. */
export interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: 'normal' | 'separator' | 'submenu';
  accelerator?: string;
  registerAccelerator?: boolean;
  enabled?: boolean;
  id?: string;
  click?: () => void;
  submenu?: MenuItemOptions[];
}

export interface MenuInstance {
  readonly items: unknown[];
}

export interface MenuStatic {
  buildFromTemplate(template: MenuItemOptions[]): MenuInstance;
  setApplicationMenu(menu: MenuInstance | null): void;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface OpenDialogOptions {
  title?: string;
  defaultPath?: string;
  buttonLabel?: string;
  filters?: FileFilter[];
  properties: Array<'openFile' | 'openDirectory' | 'createDirectory' | 'promptToCreate'>;
}

export interface SaveDialogOptions {
  title?: string;
  defaultPath?: string;
  buttonLabel?: string;
  filters?: FileFilter[];
  properties?: Array<'createDirectory' | 'showOverwriteConfirmation'>;
}

export interface MessageBoxOptions {
  type: 'none' | 'info' | 'error' | 'question' | 'warning';
  title?: string;
  message: string;
  detail?: string;
  buttons: string[];
  defaultId?: number;
  cancelId?: number;
  noLink?: boolean;
}

export interface Dialog {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  showMessageBox(window: BrowserWindow, options: MessageBoxOptions): Promise<{ response: number }>;
  showMessageBoxSync(window: BrowserWindow, options: MessageBoxOptions): number;
  showErrorBox(title: string, content: string): void;
}

export interface App {
  readonly isPackaged: boolean;
  name: string;
  getVersion(): string;
  getPath(name: 'userData' | 'home' | 'documents'): string;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  quit(): void;
  exit(code?: number): void;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  setAboutPanelOptions(options: { applicationName?: string; applicationVersion?: string; copyright?: string }): void;
  on(event: 'second-instance', listener: (event: ElectronEvent, argv: string[], workingDirectory: string) => void): this;
  on(event: 'open-file', listener: (event: ElectronEvent, path: string) => void): this;
  on(event: 'web-contents-created', listener: (event: ElectronEvent, contents: WebContents) => void): this;
  on(event: 'window-all-closed' | 'activate' | 'will-quit', listener: () => void): this;
  on(event: 'before-quit', listener: (event: ElectronEvent) => void): this;
}

/** What `import('electron')` gives the main process. */
export interface ElectronMain {
  app: App;
  BrowserWindow: BrowserWindowConstructor;
  Menu: MenuStatic;
  dialog: Dialog;
  ipcMain: IpcMain;
  screen: Screen;
  session: { readonly defaultSession: Session };
}

/** What `require('electron')` gives a sandboxed preload script. */
export interface ElectronPreload {
  contextBridge: ContextBridge;
  ipcRenderer: IpcRenderer;
}
