/**
 * What TypeScript sees around an expression or template field of an action node, so the one-line
 * editor (ExprEditor.tsx) completes `conn.`, `vars.`, `json.`... and squiggles type errors as the
 * snippet editor does. The field's text is placed inside a hidden module that declares the chain's
 * scope (CHAIN_SCOPE, as the chain compiler's function signature and locals give it); the visible
 * model holds the text alone, and offsets are shifted by the prefix's length.
 */
import { CHAIN_SCOPE, type ChainEvent } from '../../../runtime/model/chain-scope.ts';

/** Each name the chain compiler puts in scope, with its type (runtime/lowcode/compile.ts). */
const TYPES: Record<string, string> = {
  req: 'UpgradeRequest',
  conn: 'Connection',
  ctx: 'ServiceContext',
  text: 'string',
  json: 'any',
  data: 'Uint8Array',
  code: 'number',
  reason: 'string',
  error: 'HandlerError',
  vars: 'Record<string, any>',
};

export type FieldLanguage = 'expr' | 'template';

export interface HiddenSource {
  /** The hidden module's text. */
  text: string;
  /** Where the field's text starts in it. */
  offset: number;
}

/**
 * The hidden module for a field. `event` is the chain's event (undefined while the node is not in
 * a chain yet: every name is then in scope); `component`: the document is a component file, whose
 * chains also see `params`.
 */
export function hiddenSource(field: string, language: FieldLanguage, event: ChainEvent | undefined, component: boolean): HiddenSource {
  const names = new Set(event ? CHAIN_SCOPE[event] : Object.keys(TYPES));
  const lines = ['export {};'];
  for (const name of names) {
    // In an upgrader's chain `conn` is the request (the compiler writes `const conn = req`).
    const type = name === 'conn' && event === 'upgrader' ? 'UpgradeRequest' : TYPES[name];
    if (type) lines.push(`declare const ${name}: ${type};`);
  }
  if (names.has('ctx') || !event) lines.push('declare const env: ServiceContext["env"];');
  if (component) lines.push('declare const params: Record<string, string | number | boolean>;');
  const open = language === 'template' ? '`' : '(';
  const close = language === 'template' ? '`' : ')';
  const head = `${lines.join('\n')}\nconst ${safeName(field)} = ${open}`;
  return { text: `${head}${close};\n`, offset: head.length };
}

/** The hidden module with the field's text in place. */
export function withText(source: HiddenSource, text: string): string {
  return source.text.slice(0, source.offset) + text + source.text.slice(source.offset);
}

const safeName = (field: string) => `__${field.replace(/[^A-Za-z0-9_]/g, '_')}`;
