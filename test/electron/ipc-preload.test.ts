/**
 * The preload API (`createDesktopApi`) against the real main-process handlers
 * (`registerDesktopIpc`), joined by an in-process channel that copies payloads with
 * structuredClone as Electron's IPC does. Only the transport stands in for Electron.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, IpcRenderer, IpcRendererEvent, WebContents, WebFrameMain } from 'electron';
import { DESKTOP_CHANNELS, type DesktopMenuCommand, type DocumentState } from '../../electron/desktop-api.ts';
import { registerDesktopIpc, type DesktopServices } from '../../electron/ipc.ts';
import { isTrustedSender } from '../../electron/policy.ts';
import { createDesktopApi } from '../../electron/preload-api.ts';

const APP = 'http://127.0.0.1:40001';

/** A frame as the sender check reads it: its URL and its parent. */
function frameAt(url: string, parent: WebFrameMain | null = null): WebFrameMain {
  return { url, parent } as unknown as WebFrameMain;
}

function channelPair(frame: { current: WebFrameMain }) {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  const mainBus = new EventEmitter();
  const rendererBus = new EventEmitter();
  const sender = { send: (channel: string, ...args: unknown[]) => rendererBus.emit(channel, {}, ...structuredClone(args)) } as unknown as WebContents;
  // Partial Electron objects: only what the shell's handlers read.
  const eventFor = (): IpcMainEvent => ({ senderFrame: frame.current, sender, preventDefault() {}, returnValue: undefined }) as unknown as IpcMainEvent;
  const ipcMain = {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void) {
      mainBus.on(channel, listener);
      return this;
    },
  } as unknown as IpcMain;
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(eventFor(), ...structuredClone(args)));
    },
    send(channel: string, ...args: unknown[]) {
      mainBus.emit(channel, eventFor(), ...structuredClone(args));
    },
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void) {
      rendererBus.on(channel, listener);
      return this;
    },
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void) {
      rendererBus.off(channel, listener);
      return this;
    },
  } as unknown as IpcRenderer;
  return { ipcMain, ipcRenderer, sender, handlers };
}

function setup() {
  const frame = { current: frameAt(`${APP}/?token=t`) };
  const calls: string[] = [];
  const states: DocumentState[] = [];
  const recent: string[] = ['/home/a/chat.wsflow.yaml'];
  const services: DesktopServices = {
    showOpenDialog: async () => {
      calls.push('open');
      return '/home/a/echo.wsflow.yaml';
    },
    openAsyncApiFile: async () => ({ path: '/tmp/api.yaml', text: 'asyncapi: 2.6.0\n' }),
    showSaveDialog: async (defaultPath) => {
      calls.push(`save ${defaultPath ?? '-'}`);
      return undefined;
    },
    showExportFolderDialog: async (defaultPath) => {
      calls.push(`export ${defaultPath ?? '-'}`);
      return '/home/a/out';
    },
    recentFiles: () => [...recent],
    addRecentFile: async (path) => {
      recent.unshift(path);
    },
    setDocumentState: (state) => states.push(state),
    appVersion: () => '0.1.0',
  };
  const pair = channelPair(frame);
  registerDesktopIpc(pair.ipcMain, services, (f) => isTrustedSender(f, APP));
  const api = createDesktopApi(pair.ipcRenderer, 'linux');
  return { api, frame, calls, states, recent, ...pair };
}

describe('DesktopApi over IPC', () => {
  it('registers a handler for every invoke channel, all prefixed wsflow:', () => {
    const { handlers } = setup();
    for (const channel of Object.values(DESKTOP_CHANNELS)) expect(channel.startsWith('wsflow:')).toBe(true);
    expect([...handlers.keys()].sort()).toEqual(
      Object.values(DESKTOP_CHANNELS).filter((c) => c !== DESKTOP_CHANNELS.menuCommand && c !== DESKTOP_CHANNELS.openFile && c !== DESKTOP_CHANNELS.setDocumentState).sort(),
    );
  });

  it('runs dialogs, recent files and version through the main handlers', async () => {
    const { api, calls, recent } = setup();
    expect(api.isDesktop).toBe(true);
    expect(api.platform).toBe('linux');
    expect(await api.showOpenDialog()).toBe('/home/a/echo.wsflow.yaml');
    expect(await api.openAsyncApiFile()).toEqual({ path: '/tmp/api.yaml', text: 'asyncapi: 2.6.0\n' });
    expect(await api.showSaveDialog({ defaultPath: '/home/a/new.wsflow.yaml' })).toBeUndefined();
    expect(await api.showSaveDialog({ defaultPath: 'relative.wsflow.yaml' })).toBeUndefined();
    expect(await api.showExportFolderDialog()).toBe('/home/a/out');
    expect(calls).toEqual(['open', 'save /home/a/new.wsflow.yaml', 'save -', 'export -']);
    expect(await api.getRecentFiles()).toEqual(['/home/a/chat.wsflow.yaml']);
    await api.addRecentFile('/home/a/x.wsflow.yaml');
    await api.addRecentFile('not-absolute.wsflow.yaml');
    expect(recent).toEqual(['/home/a/x.wsflow.yaml', '/home/a/chat.wsflow.yaml']);
    expect(await api.appVersion()).toBe('0.1.0');
  });

  it('reports document state, dropping malformed payloads', async () => {
    const { api, states, ipcRenderer } = setup();
    api.setDocumentState({ dirty: true, path: '/home/a/chat.wsflow.yaml' });
    api.setDocumentState({ dirty: false });
    ipcRenderer.send(DESKTOP_CHANNELS.setDocumentState, { dirty: 'yes' });
    ipcRenderer.send(DESKTOP_CHANNELS.setDocumentState, { dirty: true, path: 'flows/chat.wsflow.yaml' });
    ipcRenderer.send(DESKTOP_CHANNELS.setDocumentState, { dirty: true, path: 'bad\0name' });
    ipcRenderer.send(DESKTOP_CHANNELS.setDocumentState, { dirty: true, path: 42 });
    expect(states).toEqual([
      { dirty: true, path: '/home/a/chat.wsflow.yaml' },
      { dirty: false },
      { dirty: true, path: 'flows/chat.wsflow.yaml' },
      { dirty: true },
      { dirty: true },
    ]);
  });

  it('delivers menu commands and open-file requests, only valid ones, until unsubscribed', () => {
    const { api, sender } = setup();
    const commands: DesktopMenuCommand[] = [];
    const files: string[] = [];
    const stopCommands = api.onMenuCommand((c) => commands.push(c));
    api.onOpenFile((p) => files.push(p));
    sender.send(DESKTOP_CHANNELS.menuCommand, 'file.save');
    sender.send(DESKTOP_CHANNELS.menuCommand, 'rm -rf');
    sender.send(DESKTOP_CHANNELS.openFile, '/home/a/chat.wsflow.yaml');
    sender.send(DESKTOP_CHANNELS.openFile, 42);
    stopCommands();
    sender.send(DESKTOP_CHANNELS.menuCommand, 'run.start');
    expect(commands).toEqual(['file.save']);
    expect(files).toEqual(['/home/a/chat.wsflow.yaml']);
  });

  it('refuses every channel from a frame that is not the app (navigated away or an iframe)', async () => {
    const { api, frame, calls, states } = setup();
    frame.current = frameAt('https://evil.example/');
    await expect(api.showOpenDialog()).rejects.toThrow(/refused wsflow:show-open-dialog from a frame outside the app/);
    await expect(api.getRecentFiles()).rejects.toThrow(/refused/);
    frame.current = frameAt(`${APP}/inner`, frameAt(`${APP}/`));
    await expect(api.appVersion()).rejects.toThrow(/refused/);
    api.setDocumentState({ dirty: true });
    expect(calls).toEqual([]);
    expect(states).toEqual([]);
  });
});
