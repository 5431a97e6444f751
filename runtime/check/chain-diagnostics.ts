/**
 * TypeScript's view of chains: each expression field must be one expression and each template one
 * template (else it would change the shape of the generated code), and a diagnostic in the
 * generated code becomes a problem located on the action node and field it comes from.
 */
import { createRequire } from 'node:module';
import type TS from 'typescript';
import { MODEL_CODES as C } from '../model/codes.ts';
import type { Locator } from '../model/locate.ts';
import type { Problem } from '../model/types.ts';
import { locateInChain, type CompiledChain } from '../lowcode/index.ts';
import { escapeTemplate } from '../lowcode/builder.ts';

const ts = createRequire(import.meta.url)('typescript') as typeof TS;

export function chainProblem(chain: CompiledChain, offset: number, syntax: boolean, error: boolean, text: string, locate: Locator, file?: string): Problem {
  const at = locateInChain(chain, offset);
  const where = locate(['nodes', at.nodeIndex, at.field], at.inner);
  const what = at.field === 'type' || at.field === 'id' ? 'in the code generated for this node' : `in '${at.field}'`;
  return {
    severity: error ? 'error' : 'warning',
    code: syntax ? C.ACTION_EXPR_SYNTAX : C.ACTION_EXPR_TYPE,
    message: `${syntax ? 'Syntax' : 'Type'} error ${what}: ${text}`,
    file: where?.file ?? file,
    line: where?.line,
    col: where?.col,
    nodeId: at.nodeId,
    field: at.field,
  };
}

/** Fields that are not exactly one expression / one template literal. */
export function checkChainFields(chain: CompiledChain, locate: Locator, file?: string): Problem[] {
  const problems: Problem[] = [];
  for (const segment of chain.segments) {
    if (segment.kind !== 'expr' && segment.kind !== 'template') continue;
    const wrapped = segment.kind === 'expr' ? `(${segment.raw}\n)` : `\`${escapeTemplate(segment.raw).text}\``;
    const source = ts.createSourceFile('field.ts', wrapped, ts.ScriptTarget.ES2022, false);
    const diagnostics = (source as unknown as { parseDiagnostics: TS.Diagnostic[] }).parseDiagnostics ?? [];
    const [statement, ...rest] = source.statements;
    const single = statement !== undefined && rest.length === 0 && ts.isExpressionStatement(statement) && statement.end === source.text.length;
    if (diagnostics.length === 0 && single) continue;
    const first = diagnostics[0];
    const offset = first ? Math.max(0, Math.min((first.start ?? 1) - 1, segment.raw.length)) : 0;
    const before = segment.raw.slice(0, offset);
    const inner = { line: before.split('\n').length, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
    const at = locate(['nodes', segment.nodeIndex, segment.field], inner);
    const detail = first ? ts.flattenDiagnosticMessageText(first.messageText, ' ').replace(/\.$/, '') : 'it holds more than one expression';
    problems.push({
      severity: 'error',
      code: C.ACTION_EXPR_SYNTAX,
      message:
        segment.kind === 'expr'
          ? `'${segment.field}' must be one TypeScript expression: ${detail}.`
          : `'${segment.field}' must be a template body (text with \${...} parts): ${detail}.`,
      file: at?.file ?? file,
      line: at?.line,
      col: at?.col,
      nodeId: segment.nodeId,
      field: segment.field,
    });
  }
  return problems;
}
