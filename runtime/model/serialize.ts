/**
 * Saving a flow without destroying hand-edited YAML. The new flow is applied to the original
 * YAML document as a minimal change: values that did not change keep their nodes (and with them
 * comments, blank lines, quoting and flow/block style), nodes are matched by id and edges by
 * from/to, unknown keys are kept, and new keys go where types.ts would put them. Code is always a
 * block scalar, so a snippet diff in git is a diff of code lines. Pure (the canvas uses it).
 */
import { Document, isMap, isPair, isScalar, isSeq, parseDocument, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
import { mergeLines } from './merge-lines.ts';
import type { FlowDocument } from './types.ts';
import { isObj, type Obj } from './is-obj.ts';

export const DEFAULT_SCHEMA_REF = '../runtime/model/wsflow.schema.json';

export interface SerializeOptions {
  /** `$schema` written on the first line of a new document (relative to the flow file). */
  schemaRef?: string;
}

const KEY_ORDER: Record<string, readonly string[]> = {
  document: ['wsflow', 'name', 'displayName', 'description', 'version', 'listener', 'settings', 'nodes', 'edges', 'designer'],
  node: ['id', 'type', 'label', 'description', 'disabled', 'position', 'basePath', 'upgradePath', 'query', 'headers', 'subprotocols', 'maxPayload', 'idleTimeoutMs', 'heartbeatMs', 'validateIncoming', 'messages', 'code'],
  listener: ['port'],
  settings: ['handlerBudgetMs', 'drainTimeoutMs'],
  position: ['x', 'y'],
  param: ['type', 'required', 'default', 'description'],
  message: ['name', 'title', 'description', 'contentType', 'schema'],
  messages: ['incoming', 'outgoing'],
  edge: ['from', 'to'],
};

/** What a value is, so that new YAML gets the right style and arrays the right identity. */
type Ctx = 'document' | 'listener' | 'settings' | 'nodes' | 'node' | 'position' | 'params' | 'param' | 'messages' | 'messageList' | 'message' | 'edges' | 'edge' | 'code' | 'flowSeq' | 'other';

function childCtx(parent: Ctx, key: string): Ctx {
  switch (parent) {
    case 'document':
      return ({ listener: 'listener', settings: 'settings', nodes: 'nodes', edges: 'edges' } as Record<string, Ctx>)[key] ?? 'other';
    case 'nodes':
      return 'node';
    case 'edges':
      return 'edge';
    case 'node':
      if (key === 'code') return 'code';
      if (key === 'position') return 'position';
      if (key === 'query' || key === 'headers') return 'params';
      if (key === 'messages') return 'messages';
      if (key === 'subprotocols') return 'flowSeq';
      return 'other';
    case 'params':
      return 'param';
    case 'messages':
      return 'messageList';
    case 'messageList':
      return 'message';
    default:
      return 'other';
  }
}


export function updateFlowYaml(originalText: string | undefined, flow: FlowDocument, options: SerializeOptions = {}): string {
  if (originalText === undefined || originalText.trim() === '') return newFlowYaml(flow, options);
  const doc = parseDocument(originalText, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return newFlowYaml(flow, options);
  if (deepEqual(doc.toJS(), flow)) return originalText;
  const style = stringifyOptions(originalText);
  const base = doc.toString(style);
  const writer = new Writer(doc);
  writer.applyMap(doc.contents, flow as unknown as Obj, 'document');
  const changed = doc.toString(style);
  // Carry only the changed lines over to the user's text, so untouched lines keep their bytes.
  const eol = originalText.includes('\r\n') ? '\r\n' : '\n';
  const merged = mergeLines(base.split('\n'), originalText.split(/\r?\n/), changed.split('\n'));
  if (!merged) return originalText.endsWith('\n') ? changed : changed.replace(/\n$/, '');
  return merged.join(eol);
}

/** The canonical layout of a new flow file. */
export function newFlowYaml(flow: FlowDocument, options: SerializeOptions = {}): string {
  const doc = new Document();
  const writer = new Writer(doc);
  doc.contents = writer.create(flow, 'document') as YAMLMap;
  doc.commentBefore = ` yaml-language-server: $schema=${options.schemaRef ?? DEFAULT_SCHEMA_REF}`;
  return doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: true });
}

function stringifyOptions(original: string) {
  // Keep the user's sequence indentation (`nodes:\n  - id` or `nodes:\n- id`) and indent width.
  const unindented = /^([ \t]*)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(original);
  const indentMatch = /^[^\s#][^\n]*:[ \t]*\n( +)\S/m.exec(original);
  const indent = indentMatch?.[1] && indentMatch[1].length <= 8 ? indentMatch[1].length : 2;
  return { lineWidth: 0, indentSeq: !unindented, indent, flowCollectionPadding: !/\{\S[^}\n]*\S\}/.test(original) || /\{ /.test(original) };
}

class Writer {
  constructor(private readonly doc: Document) {}

  apply(node: unknown, value: unknown, ctx: Ctx): unknown {
    if (node !== undefined && node !== null && deepEqual(toJS(node), value)) {
      if (ctx === 'code' && isScalar(node) && typeof value === 'string') this.blockStyle(node);
      return node;
    }
    if (isObj(value) && isMap(node)) {
      this.applyMap(node, value, ctx);
      return node;
    }
    if (Array.isArray(value) && isSeq(node)) {
      this.applySeq(node, value, ctx);
      return node;
    }
    if (isScalar(node) && (value === null || typeof value !== 'object')) {
      node.value = value;
      // Let the stringifier pick a representation for the new value instead of the old source.
      delete (node as Scalar & { source?: string }).source;
      if (typeof value === 'string' && (ctx === 'code' || value.includes('\n'))) this.blockStyle(node);
      else if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) node.type = undefined;
      return node;
    }
    return this.create(value, ctx);
  }

  applyMap(map: YAMLMap, value: Obj, ctx: Ctx): void {
    map.items = map.items.filter((pair) => {
      const key = keyOf(pair);
      return key !== undefined && value[key] !== undefined;
    });
    const order = KEY_ORDER[ctx];
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const pair = map.items.find((p) => keyOf(p) === key);
      if (pair) {
        pair.value = this.apply(pair.value, child, childCtx(ctx, key)) as YamlNode;
        continue;
      }
      const created = new Pair(this.doc.createNode(key), this.create(child, childCtx(ctx, key)));
      const rank = order?.indexOf(key) ?? -1;
      let at = map.items.length;
      if (rank >= 0 && order) {
        const later = map.items.findIndex((p) => {
          const other = order.indexOf(keyOf(p) ?? '');
          return other > rank;
        });
        if (later >= 0) at = later;
      }
      map.items.splice(at, 0, created);
    }
  }

  applySeq(seq: YAMLSeq, values: unknown[], ctx: Ctx): void {
    const identity = identityOf(ctx);
    const itemCtx = childCtx(ctx, '');
    const spaced = seq.items.some((item) => (item as YamlNode | null)?.spaceBefore);
    if (!identity) {
      const items = values.map((v, i) => this.apply(seq.items[i], v, itemCtx));
      seq.items = items;
      return;
    }
    const pool = new Map<string, unknown>();
    for (const item of seq.items) {
      const key = identity(toJS(item));
      if (key !== undefined && !pool.has(key)) pool.set(key, item);
    }
    const oldFirst = seq.items[0] as YamlNode | undefined;
    seq.items = values.map((value, index) => {
      const key = identity(value);
      const existing = key !== undefined ? pool.get(key) : undefined;
      if (key !== undefined) pool.delete(key);
      if (existing !== undefined) return this.apply(existing, value, itemCtx);
      const created = this.create(value, itemCtx);
      if (spaced && index > 0 && created && typeof created === 'object') (created as YamlNode).spaceBefore = true;
      return created;
    });
    const newFirst = seq.items[0] as YamlNode | undefined;
    if (oldFirst && newFirst !== oldFirst) {
      // The comment above the first item belongs to that item (yaml keeps it on the list): it
      // moves with it, and blank lines separate items, never the list from its key.
      if (seq.commentBefore && seq.items.includes(oldFirst)) {
        oldFirst.commentBefore = oldFirst.commentBefore ? `${seq.commentBefore}\n${oldFirst.commentBefore}` : seq.commentBefore;
        seq.commentBefore = undefined;
      }
      if (spaced) {
        seq.items.forEach((item, index) => {
          if (item && typeof item === 'object') (item as YamlNode).spaceBefore = index > 0;
        });
      }
    }
  }

  /** New YAML for a value, in the canonical style for its place in the document. */
  create(value: unknown, ctx: Ctx): YamlNode {
    if (ctx === 'code' && typeof value === 'string') {
      const scalar = new Scalar(value);
      this.blockStyle(scalar);
      return scalar;
    }
    if (isObj(value)) {
      const map = new YAMLMap();
      const order = KEY_ORDER[ctx] ?? [];
      const keys = Object.keys(value).filter((k) => value[k] !== undefined);
      const ranked = (k: string) => {
        const r = order.indexOf(k);
        // Unknown keys keep their order, after the known ones but before the code block.
        return r >= 0 ? (k === 'code' ? 1000 : r) : 500;
      };
      keys.sort((a, b) => ranked(a) - ranked(b));
      for (const key of keys) map.items.push(new Pair(this.doc.createNode(key), this.create(value[key], childCtx(ctx, key))));
      map.flow = ctx === 'listener' || ctx === 'position' || ctx === 'edge' || ctx === 'param';
      return map;
    }
    if (Array.isArray(value)) {
      const seq = new YAMLSeq();
      const itemCtx = childCtx(ctx, '');
      value.forEach((item, index) => {
        const node = this.create(item, itemCtx);
        if (ctx === 'nodes' && index > 0) node.spaceBefore = true;
        seq.items.push(node);
      });
      seq.flow = ctx === 'flowSeq' || (ctx === 'other' && value.every((v) => v === null || typeof v !== 'object'));
      return seq;
    }
    const scalar = this.doc.createNode(value) as Scalar;
    if (typeof value === 'string' && value.includes('\n')) this.blockStyle(scalar);
    return scalar;
  }

  private blockStyle(scalar: Scalar) {
    if (scalar.type !== Scalar.BLOCK_LITERAL) scalar.type = Scalar.BLOCK_LITERAL;
  }
}

function identityOf(ctx: Ctx): ((v: unknown) => string | undefined) | undefined {
  if (ctx === 'nodes') return (v) => (isObj(v) && typeof v.id === 'string' ? `id:${v.id}` : undefined);
  if (ctx === 'edges') return (v) => (isObj(v) && typeof v.from === 'string' && typeof v.to === 'string' ? `${v.from}\u0000${v.to}` : undefined);
  if (ctx === 'messageList') return (v) => (isObj(v) && typeof v.name === 'string' ? `name:${v.name}` : undefined);
  return undefined;
}

function keyOf(pair: unknown): string | undefined {
  if (!isPair(pair)) return undefined;
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function toJS(node: unknown): unknown {
  if (node && typeof node === 'object' && 'toJSON' in node && typeof (node as { toJSON: unknown }).toJSON === 'function') {
    return (node as { toJSON(): unknown }).toJSON();
  }
  return node;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ao = a as Obj;
  const bo = b as Obj;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}
