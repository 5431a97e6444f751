/**
 * Reads a flow document: YAML (with line/column for every node) plus the structural rules of
 * validate.ts. Pure, so the canvas can use it; schema and TypeScript checks live in runtime/check.
 */
import { LineCounter, parseDocument, isMap, type Document } from 'yaml';
import { MODEL_CODES as C } from './codes.ts';
import { createLocator, type Locator } from './locate.ts';
import type { FlowDocument, Problem } from './types.ts';
import { validateStructure } from './validate.ts';

export interface ParsedFlow {
  /**
   * Present whenever the text is a YAML mapping, even when it has problems (the designer still
   * shows it). Code that runs a flow must refuse it when `problems` holds an error.
   */
  flow?: FlowDocument;
  problems: Problem[];
  locate: Locator;
  /** The YAML document, for callers that need more than `locate` (kept for round-trip saves). */
  document: Document;
}

export interface ParsedYaml {
  document: Document;
  locate: Locator;
  /** YAML syntax errors and warnings, located; duplicate keys are errors too. */
  problems: Problem[];
  /** True when the text is not YAML at all (beyond duplicate keys): nothing else can be checked. */
  syntaxBroken: boolean;
}

/**
 * YAML with a locator and clear, located syntax problems. Shared by every YAML file wsflow reads
 * (flows, flow tests), so they all report syntax errors the same way.
 */
export function readYaml(text: string, file?: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const locate = createLocator(document, lineCounter, text);
  const problems: Problem[] = [];
  let syntaxBroken = false;
  const syntaxLines = new Set<number>();
  for (const error of document.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    if (!duplicate) syntaxBroken = true;
    const unclosed = duplicate ? undefined : unclosedBracket(text, error.message, error.pos[0]);
    const at = lineCounter.linePos(unclosed?.offset ?? error.pos[0]);
    // One mistake often yields several errors on its line; the first one says it best.
    if (!duplicate && syntaxLines.has(at.line)) continue;
    if (!duplicate) syntaxLines.add(at.line);
    if (unclosed) {
      problems.push({ severity: 'error', code: C.YAML_SYNTAX, message: unclosed.message, file, line: at.line, col: at.col });
      continue;
    }
    problems.push({
      severity: 'error',
      code: duplicate ? C.YAML_DUPLICATE_KEY : C.YAML_SYNTAX,
      message: duplicate ? duplicateKeyMessage(text, error.pos) : yamlMessage(error.message, error.code),
      file,
      line: at.line,
      col: at.col,
    });
  }
  for (const warning of document.warnings) {
    const at = lineCounter.linePos(warning.pos[0]);
    problems.push({ severity: 'warning', code: C.YAML_WARNING, message: yamlMessage(warning.message, warning.code), file, line: at.line, col: at.col });
  }
  return { document, locate, problems, syntaxBroken };
}

export function parseFlow(text: string, file?: string): ParsedFlow {
  const { document, locate, problems, syntaxBroken } = readYaml(text, file);
  if (syntaxBroken) return { problems: sortProblems(problems), locate, document };

  if (document.contents === null || document.contents === undefined) {
    problems.push({ severity: 'error', code: C.DOC_EMPTY, message: `The file holds no flow; a flow starts with 'wsflow: 1'.`, file, line: 1, col: 1 });
    return { problems, locate, document };
  }
  if (!isMap(document.contents)) {
    const at = locate([]);
    problems.push({ severity: 'error', code: C.DOC_NOT_MAPPING, message: `A flow document must be a YAML mapping (keys like 'wsflow:', 'name:', 'nodes:'), not a list or a single value.`, file, line: at?.line ?? 1, col: at?.col ?? 1 });
    return { problems, locate, document };
  }
  let flow: FlowDocument;
  try {
    flow = document.toJS({ maxAliasCount: 100 }) as FlowDocument;
  } catch (error) {
    // Only alias bombs and similar pathological input end here.
    problems.push({ severity: 'error', code: C.YAML_SYNTAX, message: `The YAML cannot be read: ${error instanceof Error ? error.message : String(error)}`, file, line: 1, col: 1 });
    return { problems, locate, document };
  }
  problems.push(...validateStructure(flow, locate, file));
  return { flow, problems: sortProblems(problems), locate, document };
}

export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => [p, i] as const)
    .sort(([a, ai], [b, bi]) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || ai - bi)
    .map(([p]) => p);
}

function duplicateKeyMessage(text: string, pos: [number, number]): string {
  const key = /^[^:\n]+/.exec(text.slice(pos[0], Math.max(pos[1], pos[0] + 200)))?.[0]?.trim();
  return key ? `The key '${key}' appears twice in the same mapping; remove or rename one.` : `A key appears twice in the same mapping; remove or rename one.`;
}

/**
 * The yaml library reports an unclosed `{` or `[` where the next line starts; point at the bracket
 * itself (on one of the few lines above) instead.
 */
function unclosedBracket(text: string, message: string, offset: number): { offset: number; message: string } | undefined {
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (quote) return unclosedQuote(text, quote, offset);
  const kind = /^Flow (map|sequence) in block collection/.exec(message)?.[1];
  if (!kind) return undefined;
  const open = kind === 'map' ? '{' : '[';
  const close = kind === 'map' ? '}' : ']';
  const start = Math.max(0, offset - 2000);
  const before = text.slice(start, offset);
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const ch = before[i];
    if (ch === close) depth++;
    else if (ch === open) {
      if (depth === 0) {
        return { offset: start + i, message: `YAML syntax error: this '${open}' is never closed; close the ${kind === 'map' ? 'mapping' : 'list'} with '${close}'.` };
      }
      depth--;
    }
  }
  return undefined;
}

/** A quoted value that runs to the end of the file: point at the line where it was opened. */
function unclosedQuote(text: string, quote: string, offset: number): { offset: number; message: string } | undefined {
  const opener = new RegExp(`(?:^|:[ \\t]+|-[ \\t]+|[\\[{,][ \\t]*)\\${quote}`, 'gm');
  let found: number | undefined;
  const before = text.slice(0, offset);
  for (const match of before.matchAll(opener)) {
    const at = (match.index ?? 0) + match[0].length - 1;
    const lineEnd = before.indexOf('\n', at);
    const rest = before.slice(at + 1, lineEnd < 0 ? undefined : lineEnd);
    // Quotes closed on their own line are fine; the culprit is the last one that is not.
    if (!rest.includes(quote)) found = at;
  }
  if (found === undefined) return undefined;
  return { offset: found, message: `YAML syntax error: the quote ${quote} opened here is never closed.` };
}

/** The yaml library's message without its own "at line N, column M" suffix and code excerpt. */
function yamlMessage(message: string, code: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
  const hints: Record<string, string> = {
    BAD_INDENT: ' Check the indentation of this line.',
    TAB_AS_INDENT: ' Use spaces, not tabs, to indent YAML.',
    MISSING_CHAR: ' Check the indentation and the quotes of this line and the one above.',
    MULTILINE_IMPLICIT_KEY: ' A key and its colon must be on one line; check for a missing colon or quote above.',
  };
  const sentence = /[.!?]$/.test(first) ? first : `${first}.`;
  return `YAML syntax error: ${sentence}${hints[code] ?? ''}`;
}
