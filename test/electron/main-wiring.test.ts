/**
 * electron/main.ts end to end against the stand-in Electron API: the real studio backend on a
 * free loopback port, real HTTP loads through the CSP hook, real files for recent files and
 * window state. Plays a session: open, menu, IPC, a second launch with a file, a dirty close.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS } from '../../electron/desktop-api.ts';
import { startDesktop } from '../../electron/main.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/policy.ts';
import { StandInElectron, type StandInWindow } from './stand-in-electron.ts';
import { nothingWithin, waitFor } from '../helpers/wait.ts';

const root = join(import.meta.dirname, '..', '..');


describe('electron/main.ts wiring', () => {
  let dir: string;
  let documents: string;
  let elsewhere: string;
  let electron: StandInElectron;
  let win: StandInWindow;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wsflow-main-'));
    documents = join(dir, 'documents');
    elsewhere = join(dir, 'elsewhere');
    await mkdir(documents);
    await mkdir(elsewhere);
    await copyFile(join(root, 'samples', 'echo.wsflow.yaml'), join(documents, 'echo.wsflow.yaml'));
    await copyFile(join(root, 'samples', 'chat.wsflow.yaml'), join(elsewhere, 'chat.wsflow.yaml'));
    electron = new StandInElectron({ userData: join(dir, 'userData'), documents });
    await startDesktop(electron.api, { appRoot: root, pendingOpenFiles: [] });
    const first = electron.windows[0];
    if (!first) throw new Error('no window was created');
    win = first;
  });

  afterAll(async () => {
    if (electron.quitCalls === 0) electron.appEvents.emit('will-quit');
    await rm(dir, { recursive: true, force: true });
  });

  it('opens one hardened window on the studio served from 127.0.0.1', async () => {
    expect(electron.windows).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: join(root, 'dist', 'electron', 'preload.cjs'),
    });
    expect(win.loaded[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const response = await fetch(win.loaded[0]!);
    expect(response.status).not.toBe(403);
  });

  it('puts the CSP on app responses, blocks navigation away, denies window.open and permissions', async () => {
    const app = new URL(win.loaded[0]!).origin;
    const headers = await new Promise<Record<string, string | string[]> | undefined>((resolve) =>
      electron.headersListener?.({ url: `${app}/index.html`, responseHeaders: { 'content-type': ['text/html'] } }, (r) => resolve(r.responseHeaders)),
    );
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(win.navigate('https://example.com/')).toBe(false);
    expect(win.navigate(`${app}/?token=x`)).toBe(true);
    expect(win.windowOpenHandler?.({ url: `${app}/` })).toEqual({ action: 'deny' });
    expect(electron.permissionCheck?.(null, 'clipboard-read')).toBe(false);
    const granted = await new Promise<boolean>((resolve) => electron.permissionRequest?.(win.webContents, 'media', resolve));
    expect(granted).toBe(false);
  });

  it('sends menu commands to the renderer', () => {
    electron.click('&Save');
    electron.click('&Start');
    expect(win.sent.filter((s) => s.channel === DESKTOP_CHANNELS.menuCommand).map((s) => s.args[0])).toEqual(['file.save', 'run.start']);
  });

  it('answers the app frame over IPC and refuses any other', async () => {
    const app = win.loaded.at(-1)!;
    expect(await electron.invoke(DESKTOP_CHANNELS.appVersion, app)).toBe('0.1.0');
    expect(await electron.invoke(DESKTOP_CHANNELS.getRecentFiles, app)).toEqual([]);
    await expect(electron.invoke(DESKTOP_CHANNELS.appVersion, 'https://evil.example/')).rejects.toThrow(/outside the app/);
  });

  it('opens a file given to a second launch: inside the studio folder, in the running page', async () => {
    const file = join(documents, 'echo.wsflow.yaml');
    electron.appEvents.emit('second-instance', { preventDefault() {} }, ['/opt/wsflow/wsflow', '--flag', 'echo.wsflow.yaml'], documents);
    await waitFor('open-file message', () => win.sent.some((s) => s.channel === DESKTOP_CHANNELS.openFile), 20_000);
    expect(win.sent.find((s) => s.channel === DESKTOP_CHANNELS.openFile)?.args).toEqual([file]);
    expect(await electron.invoke(DESKTOP_CHANNELS.getRecentFiles, win.loaded.at(-1)!)).toEqual([file]);
    expect(electron.recentDocuments).toEqual([file]);
    const stored = JSON.parse(await readFile(join(dir, 'userData', 'recent-files.json'), 'utf8')) as string[];
    expect(stored).toEqual([file]);
    // Open Recent now lists it.
    expect(JSON.stringify(electron.menu)).toContain(file);
  });

  it('opens a file outside the studio folder by restarting the studio there', async () => {
    const before = win.loaded.at(-1)!;
    // The page would veto leaving (beforeunload); the shell's own reload overrides it.
    win.pageBlocksUnload = true;
    electron.appEvents.emit('second-instance', { preventDefault() {} }, ['wsflow', join(elsewhere, 'chat.wsflow.yaml')], '/');
    await waitFor('a reload on the new studio', () => win.finishedLoads === 2, 20_000);
    const after = win.loaded.at(-1)!;
    expect(new URL(after).port).not.toBe(new URL(before).port);
    await expect(fetch(before)).rejects.toThrow();
    expect(win.navigate(before)).toBe(false);
    expect(await electron.invoke(DESKTOP_CHANNELS.appVersion, after)).toBe('0.1.0');
    expect(electron.messageBoxes).toEqual([]);
    win.pageBlocksUnload = false;
  });

  it('asks Leave/Stay when a page that never reported its state vetoes closing', async () => {
    win.pageBlocksUnload = true;
    electron.messageBoxAnswers.push(1); // Stay
    win.close();
    expect(win.destroyed).toBe(false);
    expect(electron.messageBoxes).toEqual(['Leave wsflow? Changes you made may not be saved.']);
    electron.messageBoxes.length = 0;
  });

  it('asks before closing a window with unsaved changes, then closes and quits on Don\'t Save', async () => {
    const app = win.loaded.at(-1)!;
    // Protocol paths are relative to the studio root; the shell resolves them.
    electron.send(DESKTOP_CHANNELS.setDocumentState, app, { dirty: true, path: 'chat.wsflow.yaml' });
    expect(win.title).toBe('● chat.wsflow.yaml — wsflow');
    electron.messageBoxAnswers.push(2); // Cancel
    win.close();
    await waitFor('the prompt', () => electron.messageBoxes.length === 1, 20_000);
    // An absence needs a window: after Cancel the window must not close (it would within it).
    await nothingWithin('the window closing after Cancel', () => win.destroyed, 200);
    expect(electron.messageBoxes[0]).toBe('Do you want to save the changes you made to chat.wsflow.yaml?');
    electron.messageBoxAnswers.push(1); // Don't Save
    win.close(); // the page still vetoes (pageBlocksUnload): the answer above overrides it
    await waitFor('the window to close', () => win.destroyed, 20_000);
    expect(electron.quitCalls).toBe(1);
    const state = JSON.parse(await readFile(join(dir, 'userData', 'window-state.json'), 'utf8')) as { bounds: { width: number } };
    expect(state.bounds.width).toBe(win.options.width);
    await expect(fetch(app)).rejects.toThrow();
    expect(electron.errors).toEqual([]);
  });
});
