/**
 * Loading snippets inside the handler-host worker, and locating their failures in the snippet's
 * own TypeScript (stack position in the compiled JS -> source map -> snippet line).
 */
import vm from 'node:vm';
import { createRequire, isBuiltin } from 'node:module';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { HostSnippet, SnippetFailure } from './protocol.ts';
import { placeInChain, snippetHooks } from './chain.ts';
import { failedStepOf } from './connector-api.ts';

const nodeRequire = createRequire(import.meta.url);

/** Snippets may use Node's built-in modules and nothing else (an export has no node_modules). */
function snippetRequire(id: string): unknown {
  if (isBuiltin(id)) return nodeRequire(id);
  throw new Error(`require("${id}") is not available in a snippet: only node: built-in modules can be used`);
}

export const SNIPPET_SCHEME = 'wsflow-snippet:';

export function snippetFilename(nodeId: string): string {
  return `${SNIPPET_SCHEME}${nodeId}.js`;
}

export interface LoadedSnippet {
  nodeId: string;
  fn?: (...args: unknown[]) => unknown;
  loadError?: SnippetFailure;
  source: HostSnippet;
  traceMap?: TraceMap;
}

export type ConsoleLike = Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'>;

/** `hooks` is the module's `__wsflow` (debug.ts passes its own for debugging variants). */
export function loadSnippet(nodeId: string, source: HostSnippet, console: ConsoleLike, hooks: object = snippetHooks): LoadedSnippet {
  const loaded: LoadedSnippet = { nodeId, source };
  const module = { exports: {} as Record<string, unknown> };
  try {
    // The parameters named here are the arguments passed below: a CommonJS module wrapper, plus
    // `__wsflow` for the step markers of a chain's code (chain.ts).
    const factory = vm.compileFunction(source.js, ['exports', 'require', 'module', 'console', '__wsflow'], {
      filename: snippetFilename(nodeId),
    }) as (exports: unknown, require: unknown, module: unknown, console: unknown, hooks: unknown) => void;
    factory(module.exports, snippetRequire, module, console, hooks);
  } catch (error) {
    loaded.loadError = toFailure(loaded, error, 'WSF_SNIPPET_LOAD');
    return loaded;
  }
  const exported = module.exports.default;
  if (typeof exported !== 'function') {
    loaded.loadError = {
      code: 'WSF_SNIPPET_NO_DEFAULT_EXPORT',
      nodeId,
      message: 'the snippet has no default export function (write `export default function ...`)',
    };
    return loaded;
  }
  loaded.fn = exported as (...args: unknown[]) => unknown;
  return loaded;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Find the first stack frame inside the snippet and map it to the snippet's TypeScript. */
export function locate(snippet: LoadedSnippet, stack: string | undefined): { line?: number; col?: number } {
  if (!stack) return {};
  const frame = new RegExp(`${escapeRegExp(snippetFilename(snippet.nodeId))}:(\\d+):(\\d+)`).exec(stack);
  if (!frame) return {};
  const jsLine = Number(frame[1]);
  const jsCol = Number(frame[2]);
  try {
    snippet.traceMap ??= new TraceMap(snippet.source.map);
    const pos = originalPositionFor(snippet.traceMap, { line: jsLine, column: jsCol - 1 });
    if (pos.line != null) return { line: pos.line, col: (pos.column ?? 0) + 1 };
  } catch {
    // a broken map only costs the line number
  }
  return {};
}

/** Which snippet (by node id) a stack points into, for errors thrown outside any invocation. */
export function nodeOfStack(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const m = new RegExp(`${escapeRegExp(SNIPPET_SCHEME)}(.+?)\\.js:\\d+:\\d+`).exec(stack);
  return m?.[1];
}

function cleanStack(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  // Frames of the engine itself say nothing to the snippet's author.
  const lines = stack.split('\n').filter((l, i) => i === 0 || l.includes(SNIPPET_SCHEME));
  return lines.join('\n');
}

export function toFailure(snippet: LoadedSnippet, error: unknown, code: string): SnippetFailure {
  const err = error instanceof Error ? error : undefined;
  const message = err ? err.message || err.name : describe(error);
  const at = locate(snippet, err?.stack);
  const chain = snippet.source.chain;
  if (chain) {
    // A chain's generated lines mean nothing to its author: say which node and field failed.
    // A step's connector call rejected: its stack is the main thread's reply, the tag names the step.
    const step = failedStepOf(error);
    if (step !== undefined) return { code, nodeId: step, message };
    const place = at.line !== undefined ? placeInChain(chain, at.line, at.col ?? 1) : undefined;
    const failure: SnippetFailure = { code, nodeId: place?.nodeId ?? snippet.nodeId, message };
    if (place?.field !== undefined) failure.field = place.field;
    if (place?.inner) Object.assign(failure, place.inner);
    return failure;
  }
  const failure: SnippetFailure = { code, nodeId: snippet.nodeId, message, ...at };
  const stack = cleanStack(err?.stack);
  if (stack) failure.stack = stack;
  return failure;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
