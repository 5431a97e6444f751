/**
 * Bounds on a flow file as input (docs/security.md): a size limit, a nesting-depth limit checked
 * before the YAML parser runs (deep nesting would overflow its stack), and duplicate keys found
 * in one linear pass (the yaml library's own `uniqueKeys` check is quadratic in the keys of a
 * mapping: 100,000 keys took minutes). Pure.
 */
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';

/** Flow files are small; a file above this is refused before parsing. */
export const MAX_FLOW_BYTES = 4 * 1024 * 1024;
/** Deeper nesting of `[` / `{` / block collections than any flow needs. */
export const MAX_FLOW_DEPTH = 200;

/**
 * Offset of the first `[` or `{` that opens level MAX_FLOW_DEPTH + 1, or of a line indented past
 * what that depth allows; undefined when the text is within bounds. Quotes and comments are
 * skipped roughly (a bracket inside a string may count); a false alarm needs > 200 of them.
 */
export function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      lineStart = true;
      indent = 0;
      quote = quote === "'" || quote === '"' ? quote : undefined;
      continue;
    }
    if (lineStart) {
      if (ch === ' ' || ch === '-') {
        // each `- ` or indentation step may open a block level
        indent++;
        if (indent > MAX_FLOW_DEPTH * 4) return i;
        continue;
      }
      lineStart = false;
    }
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '#' && (i === 0 || text[i - 1] === ' ')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '{') {
      depth++;
      if (depth > MAX_FLOW_DEPTH) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** `[start, end]` of every key that repeats a key of the same mapping, in document order. */
export function duplicateKeyRanges(doc: Document): [number, number][] {
  const out: [number, number][] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = item.key;
        if (isScalar(key)) {
          const name = String(key.value);
          if (seen.has(name) && key.range) out.push([key.range[0], key.range[1]]);
          seen.add(name);
        }
        stack.push(item.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}
