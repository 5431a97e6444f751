/**
 * Snippets -> CommonJS with source maps (esbuild transform, one per snippet). Compile errors are
 * located in the snippet: node id, 1-based line and column.
 */
import { transform } from 'esbuild';
import { CHAIN_EVENTS } from '../model/actions.ts';
import type { FlowDocument } from '../model/types.ts';
import { lowerFlow } from '../lowcode/compile.ts';
import type { CompiledFlow, CompiledSnippet } from './contracts.ts';

export class SnippetCompileError extends Error {
  readonly code = 'WSF_SNIPPET_SYNTAX';
  /** Every other snippet that failed too (the first one is this error itself). */
  others: SnippetCompileError[] = [];
  constructor(
    readonly nodeId: string,
    message: string,
    readonly line?: number,
    readonly col?: number,
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

/**
 * Compile every snippet of the flow (upgrade snippets and handlers), after turning each chain of
 * action nodes into the snippet of its event node, so chains take exactly the snippets' path.
 * Throws the first error, with all of them in `others`.
 */
export async function compileFlow(source: FlowDocument): Promise<CompiledFlow> {
  // Components are inlined where flows are read (check/index.ts validateFlowText, the studio, the
  // export's callers), since only there are their files at hand; the engine never reads a file.
  const use = source.nodes.find((n) => n?.type === 'component');
  if (use) throw new SnippetCompileError(use.id, `${use.id}: component node '${use.id}' was not inlined; load the flow with validateFlowText (docs/components.md)`);
  const { flow } = lowerFlow(source);
  const jobs = flow.nodes
    .filter((n) => (CHAIN_EVENTS as readonly string[]).includes(n.type) && typeof n.code === 'string' && n.code.trim() !== '')
    .map((n) => compileSnippet(n.id, n.code as string).then(
      (s) => s,
      (e: unknown) => (e instanceof SnippetCompileError ? e : new SnippetCompileError(n.id, String(e))),
    ));
  const results = await Promise.all(jobs);
  const errors = results.filter((r): r is SnippetCompileError => r instanceof SnippetCompileError);
  if (errors.length > 0) {
    const [first, ...rest] = errors as [SnippetCompileError, ...SnippetCompileError[]];
    first.others = rest;
    throw first;
  }
  const snippets: Record<string, CompiledSnippet> = {};
  for (const r of results as CompiledSnippet[]) snippets[r.nodeId] = r;
  return { flow, snippets };
}
