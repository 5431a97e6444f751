/**
 * The engine's end of the designer's debugger: one attached session at a time, which sets the
 * breakpoints of every handler host and steps or continues the connections paused at them
 * (host/debug.ts does the pausing). Keeps the paused connections, so that a designer that
 * attaches again (a reloaded page) sees them.
 */
import type { DebugCommand, DebugEvent, DebugPause, DebugSession } from './contracts.ts';
import type { HostControl } from './host/protocol.ts';

type DebugControl = Extract<HostControl, { type: 'breakpoints' | 'debug' }>;

export class EngineDebugger {
  private readonly pausedNow = new Map<string, DebugPause>();
  private listener: ((event: DebugEvent) => void) | undefined;
  private current: DebugSession | undefined;

  constructor(private readonly send: (msg: DebugControl) => void) {}

  /** From a handler host (ACT_DEBUG). */
  onHost(event: DebugEvent): void {
    if (event.kind === 'paused') this.pausedNow.set(event.pause.connectionId, event.pause);
    else this.pausedNow.delete(event.connectionId);
    this.listener?.(event);
  }

  attach(listener: (event: DebugEvent) => void): DebugSession {
    this.current?.detach();
    this.listener = listener;
    let attached = true;
    const session: DebugSession = {
      setBreakpoints: (nodeIds) => {
        if (attached) this.send({ type: 'breakpoints', nodeIds: [...new Set(nodeIds)] });
      },
      command: (command: DebugCommand) => {
        if (attached) this.send({ type: 'debug', command });
      },
      paused: () => [...this.pausedNow.values()],
      detach: () => {
        if (!attached) return;
        attached = false;
        this.send({ type: 'breakpoints', nodeIds: [] });
        if (this.current === session) {
          this.current = undefined;
          this.listener = undefined;
        }
      },
    };
    this.current = session;
    return session;
  }
}
