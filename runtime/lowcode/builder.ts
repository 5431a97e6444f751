/**
 * Writes generated TypeScript line by line and remembers where every field value of an action
 * node landed (segments) and which code each node produced (spans), so that a TypeScript
 * diagnostic in the generated code can be located on the node and field in the YAML file.
 */

/** A field value copied into the generated code. Offsets are in the generated text. */
export interface Segment {
  nodeId: string;
  nodeIndex: number;
  field: string;
  kind: 'expr' | 'template' | 'code' | 'literal';
  start: number;
  end: number;
  /** Offsets in the field's raw text before which the compiler inserted one escape character. */
  inserts: number[];
  /** The raw field text (to turn an offset into a line and column inside the value). */
  raw: string;
}

/** The generated code of one action node (its own statements, not the steps after it). */
export interface Span {
  nodeId: string;
  nodeIndex: number;
  start: number;
  end: number;
}

const SIMPLE = /^(?:[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*|-?\d+(?:\.\d+)?)$/;

/** `bare`: an expression that stands alone (an `if` condition), so it needs no parentheses. */
export type { Part } from '../model/node-kind.ts';
import type { Part } from '../model/node-kind.ts';

export class Builder {
  private readonly pieces: string[] = [];
  private length = 0;
  private depth = 0;
  readonly segments: Segment[] = [];
  readonly spans: Span[] = [];
  /** The node whose code is being written (segments belong to it). */
  current: { id: string; index: number } | undefined;

  get offset(): number {
    return this.length;
  }

  indent(delta: number): void {
    this.depth = Math.max(0, this.depth + delta);
  }

  /** One line of code at the current indentation; field parts become segments. */
  line(...parts: Part[]): void {
    this.write('  '.repeat(this.depth));
    for (const part of parts) {
      if (typeof part === 'string') this.write(part);
      else this.field(part);
    }
    this.write('\n');
  }

  text(): string {
    return this.pieces.join('');
  }

  private write(text: string): void {
    this.pieces.push(text);
    this.length += text.length;
  }

  private field(part: Exclude<Part, string>): void {
    const node = this.current;
    let emitted = part.raw;
    let inserts: number[] = [];
    let open = '';
    let close = '';
    // A plain name or number needs no parentheses; anything else keeps its own precedence.
    if (part.kind === 'expr' && !part.bare && !SIMPLE.test(part.raw)) [open, close] = ['(', ')'];
    if (part.kind === 'template') {
      [open, close] = ['`', '`'];
      ({ text: emitted, inserts } = escapeTemplate(part.raw));
    }
    if (part.kind === 'code') [open, close] = ['\n', '\n'];
    if (part.kind === 'literal') emitted = JSON.stringify(part.raw);
    this.write(open);
    const start = this.length;
    this.write(emitted);
    if (node) this.segments.push({ nodeId: node.id, nodeIndex: node.index, field: part.field, kind: part.kind, start, end: this.length, inserts, raw: part.raw });
    this.write(close);
  }
}

/**
 * A template body becomes a template literal: backticks outside `${...}` are escaped, the rest is
 * kept as written (so `\n` still means a newline, as in any template literal).
 */
export function escapeTemplate(raw: string): { text: string; inserts: number[] } {
  const inserts: number[] = [];
  let out = '';
  let depth = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (depth === 0) {
      if (ch === '\\') {
        out += ch + (raw[i + 1] ?? '\\');
        if (i + 1 >= raw.length) inserts.push(i + 1);
        i++;
        continue;
      }
      if (ch === '`') {
        inserts.push(i);
        out += '\\`';
        continue;
      }
      if (ch === '$' && raw[i + 1] === '{') {
        depth = 1;
        out += '${';
        i++;
        continue;
      }
      out += ch;
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    out += ch;
  }
  return { text: out, inserts };
}

/** Offset in the raw field text of an offset inside a segment's generated text. */
export function rawOffset(segment: Segment, generated: number): number {
  let offset = generated - segment.start;
  for (const at of segment.inserts) {
    if (at < offset) offset--;
  }
  return Math.max(0, Math.min(offset, segment.raw.length));
}

/** 1-based line and column of `offset` inside `text`. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
