/**
 * A component's params bound into the fields of its nodes (docs/components.md), with the edits
 * kept so that a position in the bound text (a type error, say) maps back to the text as written.
 */
import type { SourcePos } from './locate.ts';
import { kindOf } from './registry.ts';
import { isObj, type Obj } from './is-obj.ts';
import type { ComponentParam, ParamValue } from './components.ts';

const PARAM_REF = /(?<![\w$.])params\.([A-Za-z_$][\w$]*)/g;

/** A replacement at `at` (offset in the new text) of `from` characters by `to` characters. */
export interface Edit {
  at: number;
  from: number;
  to: number;
}
export interface BoundText {
  written: string;
  bound: string;
  edits: Edit[];
}

/**
 * `params.NAME` bound to the use's value. A field that is only `params.NAME` takes the value itself
 * (a number stays a number); in expressions and code it becomes a literal, in templates only
 * inside `${...}`. A component node's `params` pass values on to the components it uses.
 */
export function bindParams(
  node: Obj,
  values: ReadonlyMap<string, ParamValue>,
  specs: Readonly<Record<string, ComponentParam>>,
  unknown: (field: string, name: string, inner: SourcePos) => void,
): { node: Obj; edits: Map<string, BoundText> } {
  const kind = kindOf(node.type);
  const edits = new Map<string, BoundText>();
  const result: Obj = { ...node };
  const whole = (v: unknown): { hit: boolean; value?: ParamValue } => {
    const m = typeof v === 'string' ? /^\s*params\.([A-Za-z_$][\w$]*)\s*$/.exec(v) : null;
    return m ? { hit: true, value: values.get(m[1] as string) } : { hit: false };
  };
  for (const [field, value] of Object.entries(node)) {
    if (field === 'id' || field === 'type' || typeof value !== 'string' && !(field === 'params' && isObj(value))) continue;
    if (field === 'params' && node.type === 'component' && isObj(value)) {
      const passed: Obj = {};
      for (const [k, v] of Object.entries(value)) {
        const w = whole(v);
        passed[k] = w.hit && w.value !== undefined ? w.value : v;
      }
      result.params = passed;
      continue;
    }
    if (typeof value !== 'string' || !value.includes('params.')) continue;
    const fieldKind = kind?.fields[field]?.kind;
    const w = whole(value);
    if (w.hit && w.value !== undefined && fieldKind !== 'template' && fieldKind !== 'expr' && fieldKind !== 'code') {
      result[field] = w.value;
      continue;
    }
    const inTemplate = fieldKind === 'template';
    const spans = inTemplate ? templateHoles(value) : [[0, value.length] as const];
    let text = '';
    let last = 0;
    let delta = 0;
    const list: Edit[] = [];
    for (const [start, end] of spans) {
      for (const m of value.slice(start, end).matchAll(PARAM_REF)) {
        const at = start + (m.index ?? 0);
        const name = m[1] as string;
        // An unknown param is reported here, so the type check need not add 'Cannot find name'.
        if (!(name in specs)) unknown(field, name, lineColAt(value, at));
        const v = values.get(name);
        if (v === undefined && name in specs) continue; // a missing param: reported on the use
        const literal = typeof v === 'string' ? JSON.stringify(v) : String(v);
        text += value.slice(last, at) + literal;
        list.push({ at: at + delta, from: m[0].length, to: literal.length });
        delta += literal.length - m[0].length;
        last = at + m[0].length;
      }
    }
    if (list.length === 0) continue;
    result[field] = text + value.slice(last);
    edits.set(field, { written: value, bound: result[field] as string, edits: list });
  }
  return { node: result, edits };
}

/** The `${...}` parts of a template (offsets of their insides). */
function templateHoles(text: string): [number, number][] {
  const holes: [number, number][] = [];
  for (let i = text.indexOf('${'); i >= 0; i = text.indexOf('${', i + 1)) {
    let depth = 1;
    let j = i + 2;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    holes.push([i + 2, j - 1]);
    i = j - 1;
  }
  return holes;
}

function lineColAt(text: string, offset: number): SourcePos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** A position in a field's bound text, moved back to the text as written in the component. */
export function unedit(inner: SourcePos, text: BoundText): SourcePos {
  const lines = text.bound.split('\n');
  let offset = inner.col - 1;
  for (let l = 0; l < inner.line - 1 && l < lines.length; l++) offset += (lines[l] as string).length + 1;
  let shift = 0;
  for (const e of text.edits) {
    if (offset >= e.at + e.to) shift += e.to - e.from;
    else if (offset >= e.at) {
      offset = e.at;
      break;
    }
  }
  return lineColAt(text.written, Math.max(0, offset - shift));
}

