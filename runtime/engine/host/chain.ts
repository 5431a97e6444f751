/**
 * Chains in the handler host: the step recorder their generated code reaches through the
 * `__wsflow` module parameter (lowcode/compile.ts writes the markers), and where in the chain a
 * failure lies (the node and field, from the ChainMap the compiler made).
 */
import { performance } from 'node:perf_hooks';
import { STEP_API } from './connector-api.ts';
import type { ChainMap, ChainStep } from './protocol.ts';
import { H } from './state.ts';
import type { Inv } from './state.ts';

/** The steps of one invocation, flat: filled by the markers, read only when the invocation is reported. */
export class StepLog {
  /** the invocation, once it went async (invoke.ts): the debugger takes it out of the blame table while paused */
  inv: Inv | null = null;
  private readonly ids: string[] = [];
  private readonly at: number[] = [];
  private readonly ports: (string | undefined)[] = [];

  step(nodeId: string): void {
    this.ids.push(nodeId);
    this.at.push(performance.now());
  }

  /** The branch the step just recorded takes. */
  port(name: string): void {
    if (this.ids.length > 0) this.ports[this.ids.length - 1] = name;
  }

  get last(): string | undefined {
    return this.ids[this.ids.length - 1];
  }

  /** Each step lasts until the next one starts; the last one until `end` (performance.now()). */
  toSteps(end: number): ChainStep[] {
    return this.ids.map((nodeId, i) => {
      const ms = Math.round(((this.at[i + 1] ?? end) - (this.at[i] as number)) * 1000) / 1000;
      const port = this.ports[i];
      return port === undefined ? { nodeId, ms } : { nodeId, port, ms };
    });
  }
}

/** The step contexts made so far, per handler context (a replaced worker or service drops them). */
const stepContexts = new WeakMap<object, Map<string, object>>();

/**
 * The context a chain step's connector calls go through (`__wsflow.at(ctx, 'id')`, written by
 * lowcode/compile.ts in the engine's variant): the handler's context with a connector API that
 * reports on the step, so a failed publish names the mqttOut node, not the handler before it.
 * Made once per handler and step; a context without the step API is returned as it is.
 */
export function stepContext(ctx: object, step: string): object {
  let byStep = stepContexts.get(ctx);
  if (!byStep) stepContexts.set(ctx, (byStep = new Map<string, object>()));
  let made = byStep.get(step);
  if (!made) {
    const api = (ctx as { [STEP_API]?: (step: string) => object })[STEP_API];
    if (!api) return ctx;
    // Defined, not assigned: the handler context is frozen, and assignment would not shadow it.
    made = Object.freeze(Object.create(ctx, Object.getOwnPropertyDescriptors(api(step))) as object);
    byStep.set(step, made);
  }
  return made;
}

/**
 * `__wsflow` in a snippet module. A chain calls `steps()` once per invocation, first thing, while
 * the invocation is `H.current`; without a subscriber for steps it gets undefined and every
 * marker is a skipped optional call. `at(ctx, id)` is stepContext.
 */
export const snippetHooks = Object.freeze({
  at: stepContext,
  steps(): StepLog | undefined {
    const inv = H.current;
    if (!H.steps || !inv) return undefined;
    return (inv.steps = new StepLog());
  },
});

export interface ChainPlace {
  nodeId: string;
  field?: string;
  /** 1-based line and column inside a `code` field (a snippet step's own lines) */
  inner?: { line: number; col: number };
}

/** The action node (and field) at 1-based `line`/`col` of a chain's generated code, if any. */
export function placeInChain(map: ChainMap, line: number, col: number): ChainPlace | undefined {
  const lineStart = map.lineStarts[line - 1];
  if (lineStart === undefined) return undefined;
  const offset = lineStart + col - 1;
  const field = map.fields.find((f) => offset >= f.start && offset <= f.end);
  if (field) {
    if (!field.code) return { nodeId: field.nodeId, field: field.field };
    let startLine = 1;
    while (startLine < map.lineStarts.length && (map.lineStarts[startLine] as number) <= field.start) startLine++;
    const startCol = field.start - (map.lineStarts[startLine - 1] as number) + 1;
    return { nodeId: field.nodeId, field: field.field, inner: { line: line - startLine + 1, col: line === startLine ? col - startCol + 1 : col } };
  }
  let best: ChainMap['nodes'][number] | undefined;
  for (const node of map.nodes) {
    if (offset >= node.start && offset < node.end && (!best || node.end - node.start < best.end - best.start)) best = node;
  }
  return best ? { nodeId: best.nodeId } : undefined;
}
