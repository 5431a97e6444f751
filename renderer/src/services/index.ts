/**
 * The designer's services as one object, created with its dependencies (the backend client and
 * the store) at startup: documents, checks, the live run. Components reach it through
 * `useServices()` (app-context.tsx); nothing here runs at import time.
 */
import { isDirty } from '../store.ts';
import { createChecks } from './checks.ts';
import type { ServiceDeps } from './deps.ts';
import { createDocumentService } from './document.ts';
import { createEnvironmentService } from './environment.ts';
import { createRunService, onlyMoved } from './run.ts';
import { createTestsService } from '../tests/tests-service.ts';
import { createDebugService } from './debug.ts';
import { errorMessage } from '../client.ts';

const AUTOSAVE_EVERY_MS = 3000;

export function createServices(deps: ServiceDeps) {
  const { client, store } = deps;
  const document = createDocumentService(deps);
  const checks = createChecks(deps, document.currentText);
  const run = createRunService(deps, document.currentText, checks.problemsNow);
  const tests = createTestsService(deps);
  const environment = createEnvironmentService(deps, checks.validateNow);
  const debug = createDebugService(deps);

  /** Connect to the backend, load the file it was started with, and keep checks and autosave running. */
  async function start(): Promise<() => void> {
    client.onEvent(run.onEvent);
    client.onEvent(debug.onDebugEvent);
    client.onConnection((connected) => {
      store.getState().set({ connected });
      if (!connected) store.getState().toast('error', 'Lost the connection to the studio backend. Unsaved work is in the recovery copy; restart `wsflow studio` and reopen the file.');
    });
    const unsubscribe = store.subscribe((state, prev) => {
      if (state.flow !== prev.flow) {
        checks.scheduleValidate();
        // Positions never add a variable: a drag asks the backend nothing.
        if (!onlyMoved(prev.flow, state.flow)) void environment.refreshEnv();
        if (state.run && !onlyMoved(prev.flow, state.flow)) run.scheduleReload();
      }
    });
    const timer = setInterval(() => void document.autosave(), AUTOSAVE_EVERY_MS);
    try {
      const hello = await client.call('hello', {});
      store.getState().set({ root: hello.root, ...(hello.run ? { run: hello.run } : {}) });
      if (hello.file) await document.openFile(hello.file);
      else if (hello.untitledRecovery) store.getState().set({ recovery: hello.untitledRecovery });
      checks.scheduleValidate();
    } catch (error) {
      store.getState().toast('error', `Cannot reach the studio backend: ${errorMessage(error)}`);
    }
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  return { ...document, ...checks, ...run, ...tests, ...environment, ...debug, start, isDirty: () => isDirty(store.getState()) };
}

export type Services = ReturnType<typeof createServices>;
