/**
 * The designer's debugger over the studio protocol: the breakpoints the designer set (kept here
 * across runs, never in the flow file), applied to each run; the paused connections pushed to
 * every window as one snapshot (`debug` event) whenever one pauses or goes on.
 */
import type { DebugCommand, DebugPause, DebugSession, RunningFlow } from '../engine/contracts.ts';
import type { StudioEvent } from './protocol.ts';

export class DebugRelay {
  private breakpoints: string[] = [];
  private session: DebugSession | undefined;

  constructor(private readonly emit: (event: StudioEvent) => void) {}

  /** A run started: attach, with the breakpoints set so far. */
  attach(running: RunningFlow): void {
    this.session = running.debug?.(() => this.push());
    this.session?.setBreakpoints(this.breakpoints);
    this.push();
  }

  /** Before a run stops: every paused connection goes on, so that stopping does not wait for them. */
  detach(): void {
    this.session?.detach();
    this.session = undefined;
    this.push();
  }

  setBreakpoints(nodeIds: readonly string[]): void {
    this.breakpoints = [...new Set(nodeIds)];
    this.session?.setBreakpoints(this.breakpoints);
  }

  command(command: DebugCommand): void {
    this.session?.command(command);
  }

  paused(): DebugPause[] {
    return this.session?.paused() ?? [];
  }

  private push(): void {
    this.emit({ event: 'debug', paused: this.paused() });
  }
}
