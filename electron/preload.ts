/**
 * Preload of the wsflow window. Runs sandboxed (no Node), so it is bundled by esbuild into one
 * CommonJS file (`dist/electron/preload.cjs`, see electron/build.ts) whose only import is
 * Electron's `contextBridge` and `ipcRenderer`. It exposes exactly one object,
 * `window.wsflowDesktop` (the typed `DesktopApi`), and nothing of ipcRenderer itself.
 */
import { createDesktopApi } from './preload-api.ts';

declare const require: (id: 'electron') => typeof import('electron/renderer');
declare const process: { platform: string };

const { contextBridge, ipcRenderer } = require('electron');
contextBridge.exposeInMainWorld('wsflowDesktop', createDesktopApi(ipcRenderer, process.platform));
