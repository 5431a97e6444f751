/**
 * The designer's debugger (docs/designer.md#debugging): breakpoints toggled with F9 on the
 * selected node, kept in the store only (never in the flow file) and sent to the backend, which
 * applies them to the run; the connections paused at them (the backend's `debug` event); step
 * (F10), continue (F5) and editing a `vars` value of the paused connection picked in the panel.
 */
import type { DebugPause, StudioEvent } from '../../../runtime/studio/protocol.ts';
import { errorMessage } from '../client.ts';
import type { ServiceDeps } from './deps.ts';
import { planFromTrace } from '../debug/replay-plan.ts';

export function createDebugService({ client, store }: ServiceDeps) {
  function onEvent(event: StudioEvent): void {
    if (event.event === 'run' && event.state === 'running') {
      // A page that reattaches to a run, or a run started elsewhere, gets this window's breakpoints.
      void sendBreakpoints();
      return;
    }
    if (event.event !== 'debug') return;
    const state = store.getState();
    const known = new Set(state.paused.map((p) => p.connectionId));
    const fresh = event.paused.find((p) => !known.has(p.connectionId));
    const stillPicked = event.paused.some((p) => p.connectionId === state.pausedPick);
    // A connection that just paused is shown; otherwise the pick stays while it is paused.
    const pausedPick = fresh?.connectionId ?? (stillPicked ? state.pausedPick : event.paused[0]?.connectionId);
    state.set({ paused: event.paused, pausedPick });
    if (fresh) state.showTab('debug');
  }

  async function sendBreakpoints(): Promise<void> {
    try {
      await client.call('debugBreakpoints', { nodeIds: store.getState().breakpoints });
    } catch (error) {
      store.getState().toast('error', `Cannot set the breakpoints: ${errorMessage(error)}`);
    }
  }

  /** F9: a breakpoint on the selected node, or none. */
  function toggleBreakpoint(): void {
    const state = store.getState();
    const id = state.selectedNodes[0];
    if (id === undefined) return;
    const breakpoints = state.breakpoints.includes(id) ? state.breakpoints.filter((b) => b !== id) : [...state.breakpoints, id];
    state.set({ breakpoints });
    void sendBreakpoints();
  }

  function picked(): DebugPause | undefined {
    const state = store.getState();
    return state.paused.find((p) => p.connectionId === state.pausedPick) ?? state.paused[0];
  }

  async function command(cmd: 'step' | 'continue'): Promise<void> {
    const pause = picked();
    if (!pause) return;
    try {
      await client.call('debugCommand', { cmd, connectionId: pause.connectionId });
    } catch (error) {
      store.getState().toast('error', `Cannot ${cmd}: ${errorMessage(error)}`);
    }
  }

  /** A new value (JSON text) for `vars[name]` of the picked connection; false when it is not JSON. */
  async function setVar(name: string, json: string): Promise<boolean> {
    const pause = picked();
    if (!pause) return false;
    try {
      JSON.parse(json);
    } catch {
      store.getState().toast('error', `vars.${name}: not JSON. Strings need quotes: "text".`);
      return false;
    }
    try {
      await client.call('debugCommand', { cmd: 'setVar', connectionId: pause.connectionId, name, json });
      return true;
    } catch (error) {
      store.getState().toast('error', `Cannot change vars.${name}: ${errorMessage(error)}`);
      return false;
    }
  }

  function replayed(clients: Record<string, string>): void {
    const ids = Object.values(clients);
    store.getState().toast('info', `Replaying with test client${ids.length === 1 ? '' : 's'} ${ids.join(', ')}: breakpoints pause it in the Debug panel.`);
  }

  /** Sends again what `connectionId` sent, as far as the trace holds it (debug/replay-plan.ts). */
  async function replayConnection(connectionId: string): Promise<void> {
    const { plan, skipped } = planFromTrace(store.getState().trace, connectionId);
    if (!plan) {
      store.getState().toast('error', `The trace no longer has where ${connectionId} connected: nothing to replay.`);
      return;
    }
    try {
      replayed((await client.call('replay', { plan })).clients);
      if (skipped > 0) store.getState().toast('info', `${skipped} message(s) of ${connectionId} are not in the trace in full (binary or long) and were left out.`);
    } catch (error) {
      store.getState().toast('error', `Cannot replay: ${errorMessage(error)}`);
    }
  }

  /** Sends again what the flow test `name` sends (its expectations are not checked). */
  async function replayTest(name: string): Promise<void> {
    const path = store.getState().path;
    try {
      replayed((await client.call('testsReplay', { name, ...(path ? { path } : {}) })).clients);
    } catch (error) {
      store.getState().toast('error', `Cannot replay: ${errorMessage(error)}`);
    }
  }

  return {
    replayConnection,
    replayTest,
    onDebugEvent: onEvent,
    toggleBreakpoint,
    debugStep: () => command('step'),
    debugContinue: () => command('continue'),
    setDebugVar: setVar,
  };
}
