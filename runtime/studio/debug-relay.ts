/**
 * The designer's debugger over the studio protocol: the breakpoints each designer window set
 * (kept here across runs, never in the flow file), their union applied to each run; the paused
 * connections pushed to each window (`debug` event) whenever one pauses or goes on.
 *
 * Several windows debug side by side: the engine pauses at any window's breakpoint, and a window
 * sees only the pauses that are its own, those at its breakpoints and those of connections it
 * stepped (a step stops at the next node, whoever's breakpoint that is). Before, one list was
 * kept and the last window to send its breakpoints replaced the others'.
 */
import type { DebugCommand, DebugPause, DebugSession, RunningFlow } from '../engine/contracts.ts';
import type { StudioEvent } from './protocol.ts';

/** A designer window as the relay knows it: any object that stands for it (its session). */
export type DebugWindow = object;

interface WindowState {
  breakpoints: ReadonlySet<string>;
  send: (event: StudioEvent) => void;
}

export class DebugRelay {
  private readonly windows = new Map<DebugWindow, WindowState>();
  /** Connections a window stepped, until it lets them continue: their pauses are that window's. */
  private readonly stepping = new Map<string, DebugWindow>();
  private session: DebugSession | undefined;

  /** A run started: attach, with the breakpoints set so far. */
  attach(running: RunningFlow): void {
    this.session = running.debug?.(() => this.push());
    this.session?.setBreakpoints(this.union());
    this.push();
  }

  /** Before a run stops: every paused connection goes on, so that stopping does not wait for them. */
  detach(): void {
    this.session?.detach();
    this.session = undefined;
    this.stepping.clear();
    this.push();
  }

  /** A window connected: it has no breakpoints until it sends them. */
  join(window: DebugWindow, send: (event: StudioEvent) => void): void {
    this.windows.set(window, { breakpoints: new Set(), send });
  }

  /** A window went away: its breakpoints go, and the connections paused for it alone go on. */
  leave(window: DebugWindow): void {
    const mine = this.pausedFor(window);
    this.windows.delete(window);
    for (const [connectionId, owner] of this.stepping) if (owner === window) this.stepping.delete(connectionId);
    this.session?.setBreakpoints(this.union());
    const claimed = new Set([...this.windows.keys()].flatMap((w) => this.pausedFor(w).map((p) => p.connectionId)));
    for (const pause of mine) if (!claimed.has(pause.connectionId)) this.session?.command({ cmd: 'continue', connectionId: pause.connectionId });
  }

  setBreakpoints(window: DebugWindow, nodeIds: readonly string[]): void {
    const state = this.windows.get(window);
    if (!state) return;
    state.breakpoints = new Set(nodeIds);
    this.session?.setBreakpoints(this.union());
    // Pauses at a breakpoint another window just set become visible to it.
    this.push();
  }

  command(window: DebugWindow, command: DebugCommand): void {
    if (command.cmd === 'step') this.stepping.set(command.connectionId, window);
    else if (command.cmd === 'continue') this.stepping.delete(command.connectionId);
    this.session?.command(command);
  }

  /** The pauses `window` sees: at its breakpoints, or of a connection it stepped. */
  pausedFor(window: DebugWindow): DebugPause[] {
    const state = this.windows.get(window);
    if (!state) return [];
    return (this.session?.paused() ?? []).filter((pause) => {
      const stepper = this.stepping.get(pause.connectionId);
      return stepper === undefined ? state.breakpoints.has(pause.nodeId) : stepper === window;
    });
  }

  private union(): string[] {
    return [...new Set([...this.windows.values()].flatMap((w) => [...w.breakpoints]))];
  }

  private push(): void {
    for (const [window, state] of this.windows) state.send({ event: 'debug', paused: this.pausedFor(window) });
  }
}
