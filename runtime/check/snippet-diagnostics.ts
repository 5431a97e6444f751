/**
 * One wording for a problem in a snippet's TypeScript, whoever finds it: the type check
 * (`wsflow validate`, the designer's checks) or Run, when esbuild refuses a snippet. Run asks
 * TypeScript's parser about the snippets esbuild refused, so both say the same thing (code,
 * message, node, line); only a refusal the parser does not share keeps esbuild's words.
 */
import { createRequire } from 'node:module';
import type TS from 'typescript';
import { MODEL_CODES as C } from '../model/codes.ts';
import type { Locator } from '../model/locate.ts';
import type { FlowDocument, Problem } from '../model/types.ts';

// Loaded with require and only when needed (see typecheck.ts): Run pays for it only when a snippet fails.
const loadTs = (): typeof TS => createRequire(import.meta.url)('typescript') as typeof TS;

/** A diagnostic's text on one line; long chains read best as their first and last step. */
export function flattenDiagnostic(message: string | TS.DiagnosticMessageChain): string {
  const steps: string[] = [];
  let chain: string | TS.DiagnosticMessageChain | undefined = message;
  while (chain !== undefined) {
    if (typeof chain === 'string') {
      steps.push(chain);
      break;
    }
    steps.push(chain.messageText);
    chain = chain.next?.[0];
  }
  const clean = (text: string) => text.replace(/\s+/g, ' ').replace(/\/__wsflow__\/snippets\/n\d+_/g, '').trim();
  const full = clean(steps.join(' '));
  if (full.length <= 300 || steps.length < 3) return full;
  return `${clean(steps[0] ?? '')} ... ${clean(steps[steps.length - 1] ?? '')}`;
}

export interface SnippetDiagnostic {
  syntax: boolean;
  severity: Problem['severity'];
  nodeIndex: number;
  nodeId: string;
  /** 1-based line and column in the snippet. */
  line: number;
  col: number;
  text: string;
}

/** The problem a snippet diagnostic is, located in the flow file. */
export function snippetProblem(d: SnippetDiagnostic, locate: Locator, file?: string): Problem {
  const at = locate(['nodes', d.nodeIndex, 'code'], { line: d.line, col: d.col });
  return {
    severity: d.severity,
    code: d.syntax ? C.SNIPPET_SYNTAX : C.SNIPPET_TYPE,
    message: `${d.syntax ? 'Syntax' : 'Type'} error in the snippet (line ${d.line}): ${d.text}`,
    file,
    line: at?.line,
    col: at?.col,
    nodeId: d.nodeId,
    field: 'code',
  };
}

/** What esbuild said about one snippet (engine/compile.ts's SnippetCompileError). */
export interface CompileFailure {
  nodeId: string;
  /** `nodeId: text` */
  message: string;
  line?: number;
  col?: number;
  /** In a chain: the action node's field (`line`/`col` inside its value). */
  field?: string;
}

/**
 * The problems of snippets that did not compile, worded as the type check words them: TypeScript's
 * syntax diagnostics of each refused snippet, or esbuild's message when the parser finds nothing.
 */
export function compileFailureProblems(failures: readonly CompileFailure[], flow: FlowDocument, locate: Locator, file?: string): Problem[] {
  const ts = loadTs();
  const problems: Problem[] = [];
  for (const failure of failures) {
    const nodeIndex = flow.nodes.findIndex((n) => n.id === failure.nodeId);
    if (failure.field !== undefined && failure.field !== 'code') {
      // An action node's expression or template, worded as the chain check words it (chain-diagnostics.ts).
      const inner = failure.line !== undefined ? { line: failure.line, col: failure.col ?? 1 } : undefined;
      const at = nodeIndex >= 0 ? locate(['nodes', nodeIndex, failure.field], inner) : undefined;
      const text = failure.message.replace(`${failure.nodeId}: `, '');
      problems.push({ severity: 'error', code: C.ACTION_EXPR_SYNTAX, message: `Syntax error ${failure.field === 'type' ? 'in the code generated for this node' : `in '${failure.field}'`}: ${text}`, file, line: at?.line, col: at?.col, nodeId: failure.nodeId, field: failure.field });
      continue;
    }
    const code = flow.nodes[nodeIndex]?.code;
    if (typeof code !== 'string' && nodeIndex >= 0) {
      // No snippet on this node (a chain's event node): a line would be one of generated code.
      const at = locate(['nodes', nodeIndex, 'type']);
      const text = failure.message.replace(`${failure.nodeId}: `, '');
      problems.push({ severity: 'error', code: C.ACTION_EXPR_SYNTAX, message: `Syntax error in the code generated for this node: ${text}`, file, line: at?.line, col: at?.col, nodeId: failure.nodeId, field: 'type' });
      continue;
    }
    const source = typeof code === 'string' ? ts.createSourceFile(`${failure.nodeId}.ts`, code, ts.ScriptTarget.ES2022, true) : undefined;
    const found = source ? ts.transpileModule(code as string, { reportDiagnostics: true, fileName: `${failure.nodeId}.ts`, compilerOptions: { target: ts.ScriptTarget.ES2022 } }).diagnostics ?? [] : [];
    const syntax = found.filter((d) => d.start !== undefined && d.category === ts.DiagnosticCategory.Error);
    if (source && syntax.length > 0) {
      for (const d of syntax) {
        const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        problems.push(snippetProblem({ syntax: true, severity: 'error', nodeIndex, nodeId: failure.nodeId, line: line + 1, col: character + 1, text: flattenDiagnostic(d.messageText) }, locate, file));
      }
      continue;
    }
    const inner = failure.line !== undefined ? { line: failure.line, col: failure.col ?? 1 } : undefined;
    const at = nodeIndex >= 0 ? locate(['nodes', nodeIndex, 'code'], inner) : undefined;
    const text = failure.message.replace(`${failure.nodeId}: `, '');
    const where = failure.line !== undefined ? ` (line ${failure.line})` : '';
    problems.push({ severity: 'error', code: C.SNIPPET_SYNTAX, message: `Syntax error in the snippet${where}: ${text}`, file, line: at?.line, col: at?.col, nodeId: failure.nodeId, field: 'code' });
  }
  return problems;
}
