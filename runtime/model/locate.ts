/**
 * Maps a path inside the parsed document (e.g. `['nodes', 3, 'code']`) to a 1-based line/column
 * in the YAML text, and a position inside a string value (a snippet line/column) to the file.
 * Pure: the canvas and the CLI both use it.
 */
import { isMap, isPair, isScalar, isSeq, Scalar, type Document, type LineCounter, type Node as YamlNode } from 'yaml';

export type FieldPath = readonly (string | number)[];
export interface SourcePos {
  line: number;
  col: number;
  /** Set when the position lies in another file than the flow's: a component file (components.ts). */
  file?: string;
}
/**
 * Without `inner`: the position of the value at `path` (or, when it is missing, of the deepest
 * parent that exists). With `inner` (1-based line/col inside a string value, e.g. a snippet
 * diagnostic): the matching position in the file.
 */
export type Locator = (path: FieldPath, inner?: SourcePos) => SourcePos | undefined;

export function createLocator(doc: Document, lineCounter: LineCounter, text: string): Locator {
  const pos = (offset: number): SourcePos => lineCounter.linePos(offset);
  let sourceLines: string[] | undefined;
  const lines = () => (sourceLines ??= text.split(/\r?\n/));

  return (path, inner) => {
    let node: unknown = doc.contents;
    let keyNode: YamlNode | undefined;
    let exact = true;
    for (const segment of path) {
      let next: unknown;
      let nextKey: YamlNode | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (pair) {
          next = pair.value;
          nextKey = isScalar(pair.key) || isMap(pair.key) || isSeq(pair.key) ? (pair.key as YamlNode) : undefined;
          // `code:` with no value: point at the key.
          if (next === null || next === undefined) {
            node = undefined;
            keyNode = nextKey;
            exact = true;
            break;
          }
        }
      } else if (isSeq(node)) {
        const index = typeof segment === 'number' ? segment : Number(segment);
        next = Number.isInteger(index) ? node.items[index] : undefined;
      }
      if (next === undefined || next === null) {
        exact = false;
        break;
      }
      node = next;
      keyNode = nextKey;
    }
    const target = (node ?? keyNode) as YamlNode | undefined;
    const start = target?.range?.[0];
    if (start === undefined) return undefined;
    const at = pos(start);
    if (!inner || !exact || !isScalar(target)) return at;
    return innerPos(target as Scalar, at, inner, lines());
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

/** Position of `inner` (line/col inside the value) in the file, for each scalar style. */
function innerPos(scalar: Scalar, at: SourcePos, inner: SourcePos, lines: string[]): SourcePos {
  if (scalar.type === Scalar.BLOCK_LITERAL || scalar.type === Scalar.BLOCK_FOLDED) {
    // The header (`|`, `|-`, `|2`) sits on line `at.line`; content starts on the next line, and a
    // literal block maps value line k to source line header + k with the block indentation removed.
    const header = lines[at.line - 1]?.slice(at.col - 1) ?? '';
    const explicit = /^[|>][-+]?([1-9])|^[|>]([1-9])/.exec(header);
    let indent: number | undefined;
    if (explicit) {
      const parentIndent = (lines[at.line - 1] ?? '').search(/\S/);
      indent = Math.max(parentIndent, 0) + Number(explicit[1] ?? explicit[2]);
    } else {
      for (let i = at.line; i < lines.length; i++) {
        const line = lines[i] ?? '';
        if (line.trim() !== '') {
          indent = line.length - line.trimStart().length;
          break;
        }
      }
    }
    return { line: at.line + inner.line, col: (indent ?? 0) + inner.col };
  }
  const quoted = scalar.type === Scalar.QUOTE_DOUBLE || scalar.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  if (inner.line <= 1) return { line: at.line, col: at.col + quoted + inner.col - 1 };
  // A multi-line flow scalar folds lines, so only the line is approximate here.
  return { line: at.line + inner.line - 1, col: inner.col };
}
