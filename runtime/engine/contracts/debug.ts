/** The debugger's contract (docs/designer.md#debugging): pauses, commands, the designer's session. */
import type { InputPreview } from '../../model/input-preview.ts';
import type { EngineEvent } from './trace.ts';

/**
 * A connection paused at a breakpoint (docs/designer.md#debugging): where, and the values in scope.
 * Values a snippet made travel as JSON text (`vars`), the rest as plain JSON values.
 */
export interface DebugPause {
  t: number;
  connectionId: string;
  /** the node it waits at: an action node of a chain, or the handler itself before it runs */
  nodeId: string;
  /** the handler whose event it is */
  handlerId: string;
  event: EngineEvent;
  message?: InputPreview;
  /** the message parsed as JSON, when it is JSON text */
  json?: unknown;
  /** the chain's `vars`, each value as JSON text (absent: the chain has no vars) */
  vars?: Record<string, string>;
  params: Record<string, string>;
  attributes: Record<string, unknown>;
}

export type DebugEvent = { kind: 'paused'; pause: DebugPause } | { kind: 'resumed'; connectionId: string };

/** What the designer tells a paused connection: run to the next node, run on, or change a `vars` value (JSON text). */
export type DebugCommand =
  | { cmd: 'step' | 'continue'; connectionId: string }
  | { cmd: 'setVar'; connectionId: string; name: string; json: string };

/** The designer's side of the engine's debugger (RunningFlow.debug). */
export interface DebugSession {
  /** Replaces the breakpoints; an empty list lets every paused connection go on. */
  setBreakpoints(nodeIds: readonly string[]): void;
  command(command: DebugCommand): void;
  /** The connections paused now. */
  paused(): DebugPause[];
  /** Clears the breakpoints, lets every paused connection go on, stops listening. */
  detach(): void;
}
