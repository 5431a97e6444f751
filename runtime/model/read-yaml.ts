/**
 * YAML reading shared by every YAML file wsflow reads (flows, components, flow tests): a locator,
 * the size and depth bounds, and clear, located syntax problems. Pure.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { MODEL_CODES as C } from './codes.ts';
import { createLocator, type Locator } from './locate.ts';
import type { Problem } from './types.ts';
import { duplicateKeyRanges, MAX_FLOW_BYTES, MAX_FLOW_DEPTH, tooDeepAt } from './input-bounds.ts';

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
  const refused = refuseUnbounded(text, file);
  if (refused) return refused;
  const lineCounter = new LineCounter();
  // Duplicate keys are found below in linear time (the library's own check is quadratic).
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
  const locate = createLocator(document, lineCounter, text);
  const problems: Problem[] = [];
  for (const range of duplicateKeyRanges(document)) {
    const at = lineCounter.linePos(range[0]);
    problems.push({ severity: 'error', code: C.YAML_DUPLICATE_KEY, message: duplicateKeyMessage(text, range), file, line: at.line, col: at.col });
  }
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
    if (/Maximum call stack/.test(error.message)) {
      problems.push({ severity: 'error', code: C.DOC_TOO_DEEP, message: tooDeepMessage, file, line: at.line, col: at.col });
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

const tooDeepMessage = `The document is nested too deeply (more than ${MAX_FLOW_DEPTH} levels of lists and mappings); no flow needs that many.`;

/** Size and depth are checked before the YAML parser sees the text (docs/security.md). */
function refuseUnbounded(text: string, file?: string): ParsedYaml | undefined {
  const empty = parseDocument('');
  const locate = createLocator(empty, new LineCounter(), '');
  if (text.length > MAX_FLOW_BYTES) {
    const message = `The file is ${(text.length / 1048576).toFixed(1)} MiB; flow files are limited to ${MAX_FLOW_BYTES / 1048576} MiB.`;
    return { problems: [{ severity: 'error', code: C.DOC_TOO_LARGE, message, file, line: 1, col: 1 }], locate, document: empty, syntaxBroken: true };
  }
  const deep = tooDeepAt(text);
  if (deep === undefined) return undefined;
  const lc = new LineCounter();
  for (let i = text.indexOf('\n'); i >= 0 && i < deep; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  const at = lc.linePos(deep);
  return { problems: [{ severity: 'error', code: C.DOC_TOO_DEEP, message: tooDeepMessage, file, line: at.line, col: at.col }], locate, document: empty, syntaxBroken: true };
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
