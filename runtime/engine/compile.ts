/**
 * Snippets -> CommonJS with source maps (esbuild transform, one per snippet). Compile errors are
 * located in the snippet: node id, 1-based line and column.
 */
import { transform } from 'esbuild';
import { CHAIN_EVENTS } from '../model/chain-scope.ts';
import type { FlowDocument } from '../model/types.ts';
import { lowerFlow, type CompiledChain } from '../lowcode/compile.ts';
import { locateInChain } from '../lowcode/locate.ts';
import type { ChainMap, CompiledFlow, CompiledSnippet, DebugVariant } from './contracts.ts';

export class SnippetCompileError extends Error {
  readonly code = 'WSF_SNIPPET_SYNTAX';
  /** Every other snippet that failed too (the first one is this error itself). */
  others: SnippetCompileError[] = [];
  constructor(
    readonly nodeId: string,
    message: string,
    readonly line?: number,
    readonly col?: number,
    /** In a chain: the action node's field esbuild refused (`line`/`col` are inside its value). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SnippetCompileError';
  }
}

interface EsbuildMessage {
  text: string;
  location: { line: number; column: number } | null;
}

function isEsbuildFailure(error: unknown): error is { errors: EsbuildMessage[] } {
  return typeof error === 'object' && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}

export async function compileSnippet(nodeId: string, code: string): Promise<CompiledSnippet> {
  try {
    const result = await transform(code, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: `${nodeId}.ts`,
      sourcesContent: false,
    });
    return { nodeId, js: result.code, map: result.map };
  } catch (error) {
    if (isEsbuildFailure(error) && error.errors[0]) {
      const first = error.errors[0];
      const loc = first.location;
      throw new SnippetCompileError(nodeId, `${nodeId}: ${first.text}`, loc?.line, loc ? loc.column + 1 : undefined);
    }
    throw new SnippetCompileError(nodeId, `${nodeId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What the handler host needs to put a failure in a chain's code on its node and field. */
export function chainMap(chain: CompiledChain): ChainMap {
  const lineStarts = [0];
  for (let i = chain.code.indexOf('\n'); i >= 0; i = chain.code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return {
    lineStarts,
    fields: chain.segments.map((s) => ({ nodeId: s.nodeId, field: s.field, code: s.kind === 'code', start: s.start, end: s.end })),
    nodes: chain.spans.map((s) => ({ nodeId: s.nodeId, start: s.start, end: s.end })),
  };
}

/** esbuild's refusal of a chain's code, on the action node and field (its generated lines are nobody's). */
function inChain(error: SnippetCompileError, chain: CompiledChain, map: ChainMap): SnippetCompileError {
  const lineStart = error.line !== undefined ? map.lineStarts[error.line - 1] : undefined;
  if (lineStart === undefined) return error;
  const offset = lineStart + (error.col ?? 1) - 1;
  const at = locateInChain(chain, offset);
  if (at.nodeId === chain.eventId) return error;
  const text = error.message.startsWith(`${error.nodeId}: `) ? error.message.slice(error.nodeId.length + 2) : error.message;
  if (at.field !== 'type') return new SnippetCompileError(at.nodeId, `${at.nodeId}: ${text}`, at.inner?.line, at.inner?.col, at.field);
  // Just past a field (an unclosed parenthesis is found at the `;` after it): that field is to blame.
  const before = chain.segments.filter((s) => s.nodeId === at.nodeId && s.end <= offset).sort((a, b) => b.end - a.end)[0];
  return new SnippetCompileError(at.nodeId, `${at.nodeId}: ${text}`, undefined, undefined, before?.field ?? 'type');
}

/**
 * Compile every snippet of the flow (upgrade snippets and handlers), after turning each chain of
 * action nodes into the snippet of its event node, so chains take exactly the snippets' path.
 * Chains are compiled with their step markers (lowcode/compile.ts `steps`) and carry a ChainMap.
 * With `debug` (the studio), chains also get their debugging variant. Throws the first error,
 * with all of them in `others`.
 */
export async function compileFlow(source: FlowDocument, options: { debug?: boolean } = {}): Promise<CompiledFlow> {
  // Components are inlined where flows are read (check/index.ts validateFlowText, the studio, the
  // export's callers), since only there are their files at hand; the engine never reads a file.
  const use = source.nodes.find((n) => n?.type === 'component');
  if (use) throw new SnippetCompileError(use.id, `${use.id}: component node '${use.id}' was not inlined; load the flow with validateFlowText (docs/components.md)`);
  const { flow, chains } = lowerFlow(source, { steps: true });
  const maps = new Map(chains.map((c) => [c.eventId, chainMap(c)]));
  const byEvent = new Map(chains.map((c) => [c.eventId, c]));
  const jobs = flow.nodes
    .filter((n) => (CHAIN_EVENTS as readonly string[]).includes(n.type) && typeof n.code === 'string' && n.code.trim() !== '')
    .map((n) => compileSnippet(n.id, n.code as string).then(
      (s): CompiledSnippet => {
        const chain = maps.get(n.id);
        return chain ? { ...s, chain } : s;
      },
      (e: unknown) => {
        const error = e instanceof SnippetCompileError ? e : new SnippetCompileError(n.id, String(e));
        const chain = byEvent.get(n.id);
        return chain ? inChain(error, chain, maps.get(n.id) as ChainMap) : error;
      },
    ));
  const [results, debug] = await Promise.all([Promise.all(jobs), options.debug ? compileDebugVariants(source) : new Map<string, DebugVariant>()]);
  const errors = results.filter((r): r is SnippetCompileError => r instanceof SnippetCompileError);
  if (errors.length > 0) {
    const [first, ...rest] = errors as [SnippetCompileError, ...SnippetCompileError[]];
    first.others = rest;
    throw first;
  }
  const snippets: Record<string, CompiledSnippet> = {};
  for (const r of results as CompiledSnippet[]) {
    const variant = debug.get(r.nodeId);
    snippets[r.nodeId] = variant && r.chain ? { ...r, debug: variant } : r;
  }
  return { flow, snippets };
}

/**
 * The debugging variant of every chain (lowcode/compile.ts `debug`), which the handler host loads
 * and runs only while the designer has breakpoints. A variant that does not compile is left out
 * (the ordinary one reports the problem); its chain then runs without pausing.
 */
async function compileDebugVariants(source: FlowDocument): Promise<Map<string, DebugVariant>> {
  const { chains } = lowerFlow(source, { steps: true, debug: true });
  const out = new Map<string, DebugVariant>();
  await Promise.all(chains.map(async (c) => {
    try {
      const s = await compileSnippet(c.eventId, c.code);
      out.set(c.eventId, { js: s.js, map: s.map, chain: chainMap(c) });
    } catch {
      // see above
    }
  }));
  return out;
}
