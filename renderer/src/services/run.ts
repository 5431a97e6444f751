/**
 * The live run: start, stop, hot reload, the backend's pushed events (trace, stats, run state,
 * test-client timelines), runtime errors of snippets, and the test clients.
 */
import type { FlowDocument, Problem } from '../../../runtime/model/types.ts';
import { planRun } from '../../../runtime/model/unwired.ts';
import { parsePort } from '../../../runtime/model/port.ts';
import { CONNECTOR_CODES } from '../../../runtime/model/connectors.ts';
import type { StudioEvent } from '../../../runtime/studio/protocol.ts';
import { errorMessage, StudioCallError } from '../client.ts';
import { connectorStatesOf } from '../model/connector-states.ts';
import { runtimeErrorsOf } from '../model/runtime-errors.ts';
import { recordRunStats, resetRunMetrics } from '../run/run-metrics.ts';
import type { ServiceDeps } from './deps.ts';

const RELOAD_DELAY_MS = 400;
const ENV_UNSET = CONNECTOR_CODES.ENV_UNSET;

export interface ClientOptions {
  query: Record<string, string>;
  headers?: Record<string, string>;
  protocols?: string[];
}

/** The nodes of some problems, for a one-line note: `a, b`, or `a, b, c and 3 more`. */
function nodeList(problems: readonly Problem[]): string {
  const ids = [...new Set(problems.map((p) => p.nodeId).filter((id): id is string => !!id))];
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

export function createRunService({ client, store }: ServiceDeps, currentText: () => string, problemsNow: () => Promise<Problem[]>) {
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;

  function onEvent(event: StudioEvent): void {
    const state = store.getState();
    switch (event.event) {
      case 'trace': {
        const firstSeq = state.traceSeq + 1;
        state.addTrace(event.events, event.dropped);
        const before = state.runtimeErrors;
        const after = runtimeErrorsOf(before, event.events, firstSeq);
        if (after !== before) {
          const fresh = before.length === 0 && after.length > 0;
          // A notice about an error a recovery ended would point at nothing.
          const notice = store.getState().runtimeNotice;
          const gone = notice !== undefined && !after.some((r) => r.traceSeq === notice.traceSeq);
          store.getState().set({ runtimeErrors: after, ...(fresh ? { runtimeNotice: after[0] } : gone ? { runtimeNotice: undefined } : {}) });
        }
        const states = connectorStatesOf(store.getState().connectors, event.events);
        if (states) store.getState().set({ connectors: states });
        break;
      }
      case 'stats': {
        const now = Date.now();
        const firing = { ...state.firing };
        for (const [nodeId, counts] of Object.entries(event.stats.perNode)) if (counts.count > 0) firing[nodeId] = now;
        state.set({ stats: event.stats, firing, ...(event.stats.connectors ? { connectors: event.stats.connectors } : {}) });
        recordRunStats(event.stats);
        break;
      }
      case 'run':
        resetRunMetrics(event.state === 'running');
        if (event.state === 'running') state.set({ run: event.run });
        else {
          state.set({ run: undefined, stats: undefined, firing: {}, connectors: {} });
          if (event.reason && event.reason !== 'stopped by the user') state.toast('info', `Flow stopped: ${event.reason}`);
        }
        break;
      case 'client':
        state.clientEvent(event.clientId, event.entry);
        break;
    }
  }

  /**
   * Run: first the Run gate. Errors on nodes that would run (a type error the backend's quick check
   * does not see included) are shown in a dialog with "Run anyway"; `force` is that choice.
   * Nodes no client reaches are left out by the backend and never stop a run (model/unwired.ts).
   */
  async function startRun(force = false): Promise<void> {
    const state = store.getState();
    if (state.runBusy) return;
    const portText = state.runPort.trim();
    const port = portText === '' ? undefined : parsePort(portText);
    if (portText !== '' && port === undefined) {
      state.toast('error', `Run port "${portText}" is not a port number (0 picks a free one).`);
      return;
    }
    state.set({ runBusy: true, runGate: undefined, ...(state.dialog === 'runGate' ? { dialog: undefined } : {}) });
    if (!force) {
      const problems = await problemsNow();
      const blocking = planRun(store.getState().flow, problems).blocking;
      if (blocking.length > 0) {
        store.getState().set({ runBusy: false, runGate: blocking, dialog: 'runGate' });
        return;
      }
    }
    store.getState().set({ trace: [], traceDropped: 0, runtimeErrors: [], runtimeNotice: undefined, tracePath: undefined, connectors: {} });
    try {
      const started = currentText();
      const run = await client.call('start', { text: started, ...(state.path ? { path: state.path } : {}), ...(port !== undefined ? { port } : {}) });
      store.getState().set({ run });
      // The document changed while the run was starting (a file finished loading, a keystroke):
      // the reload-on-change subscription only sees changes once `run` is set, so catch up here.
      if (currentText() !== started) scheduleReload();
      store.getState().showTab('clients');
      store.getState().toast('success', `Running on ${run.url}`);
      if (run.ignored?.length) store.getState().toast('info', `Left out of the run, not wired in: ${nodeList(run.ignored)}.`);
    } catch (error) {
      const problems = error instanceof StudioCallError ? (error.error.problems ?? []) : [];
      if (problems.length > 0 && problems.every((p) => p.code === ENV_UNSET)) {
        // The backend names each unset variable and where it is used; it is set in the Environment tab.
        store.getState().set({ problems });
        store.getState().showTab('environment');
        store.getState().toast('error', `Cannot start: ${errorMessage(error)}`);
      } else if (problems.length > 0) {
        store.getState().set({ problems });
        store.getState().showTab('problems');
        store.getState().toast('error', 'Cannot start: the flow has problems; see Problems.');
      } else store.getState().toast('error', `Cannot start: ${errorMessage(error)}`);
    } finally {
      store.getState().set({ runBusy: false });
    }
  }

  async function stopRun(): Promise<void> {
    const state = store.getState();
    if (!state.run || state.runBusy) return;
    state.set({ runBusy: true });
    try {
      await client.call('stop', {});
      // Stopped by the user: the run's errors are over (the trace stays to read).
      store.getState().set({ run: undefined, stats: undefined, connectors: {}, runtimeErrors: [], runtimeNotice: undefined });
    } catch (error) {
      store.getState().toast('error', `Cannot stop: ${errorMessage(error)}`);
    } finally {
      store.getState().set({ runBusy: false });
    }
  }

  function scheduleReload(): void {
    clearTimeout(reloadTimer);
    store.getState().set({ reloadNote: 'changes pending…' });
    reloadTimer = setTimeout(() => void reloadNow(), RELOAD_DELAY_MS);
  }

  async function reloadNow(): Promise<void> {
    const state = store.getState();
    if (!state.run) return;
    try {
      const result = await client.call('reload', { text: currentText(), ...(state.path ? { path: state.path } : {}) });
      const left = result.ignored?.length ? ` (left out, not wired in: ${nodeList(result.ignored)})` : '';
      // The running flow changed: errors of the flow that raised them no longer stand.
      if (result.applied) store.getState().set({ runtimeErrors: [], runtimeNotice: undefined });
      const note = result.applied ? `reloaded ${new Date().toLocaleTimeString()}${left}` : `not reloaded: ${result.problems[0]?.message ?? 'the flow has problems'}`;
      store.getState().set({ reloadNote: note });
    } catch (error) {
      store.getState().set({ reloadNote: `not reloaded: ${errorMessage(error)}` });
    }
  }

  async function openClient(path: string, options: ClientOptions): Promise<void> {
    try {
      const { clientId, url } = await client.call('clientOpen', {
        path,
        query: options.query,
        ...(options.headers && Object.keys(options.headers).length ? { headers: options.headers } : {}),
        ...(options.protocols?.length ? { protocols: options.protocols } : {}),
      });
      const clients = store.getState().clients;
      // Events of a fast handshake can arrive before this answer; keep them.
      if (clients.some((c) => c.id === clientId)) store.getState().set({ clients: clients.map((c) => (c.id === clientId ? { ...c, url } : c)) });
      else store.getState().set({ clients: [...clients, { id: clientId, url, entries: [], state: 'connecting' }] });
    } catch (error) {
      store.getState().toast('error', `Cannot connect: ${errorMessage(error)}`);
    }
  }

  async function sendClient(clientId: string, data: string): Promise<void> {
    try {
      await client.call('clientSend', { clientId, data });
    } catch (error) {
      store.getState().toast('error', errorMessage(error));
    }
  }

  async function closeClient(clientId: string): Promise<void> {
    const state = store.getState();
    const view = state.clients.find((c) => c.id === clientId);
    if (view && view.state === 'closed') {
      state.set({ clients: state.clients.filter((c) => c.id !== clientId) });
      return;
    }
    try {
      await client.call('clientClose', { clientId, code: 1000, reason: 'closed in the designer' });
    } catch (error) {
      store.getState().toast('error', `Cannot close the client: ${errorMessage(error)}`);
    }
  }

  return { onEvent, startRun, stopRun, scheduleReload, openClient, sendClient, closeClient };
}

/** True when the only difference is node positions (nothing the running engine cares about). */
export function onlyMoved(a: FlowDocument, b: FlowDocument): boolean {
  if (a.edges !== b.edges || a.nodes.length !== b.nodes.length) return false;
  for (const [key, value] of Object.entries(b)) if (key !== 'nodes' && a[key] !== value) return false;
  return b.nodes.every((node, i) => {
    const before = a.nodes[i];
    if (before === node) return true;
    if (!before) return false;
    const keys = new Set([...Object.keys(before), ...Object.keys(node)]);
    keys.delete('position');
    return [...keys].every((k) => before[k] === node[k]);
  });
}

export type RunService = ReturnType<typeof createRunService>;
