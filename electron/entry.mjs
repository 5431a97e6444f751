// Electron entry (package.json "main"). Plain JavaScript because Electron cannot load TypeScript:
// it registers tsx (as bin/wsflow.mjs does for the CLI) and hands Electron to main.ts.
// macOS may deliver `open-file` before the TypeScript has loaded, so those paths are kept here.
import electron from 'electron';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const pendingOpenFiles = [];
const early = (event, path) => {
  event.preventDefault();
  pendingOpenFiles.push(path);
};
electron.app.on('open-file', early);

register();
const { startDesktop } = await import('./main.ts');
electron.app.removeListener('open-file', early);
await startDesktop(electron, {
  appRoot: fileURLToPath(new URL('..', import.meta.url)),
  pendingOpenFiles,
});
