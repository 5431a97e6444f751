/**
 * The docs tables of node kinds, written from the registry by `npm run kinds` between
 * `<!-- kinds:NAME -->` and `<!-- /kinds:NAME -->` markers (test/model/kinds.test.ts checks them).
 */
import type { KindField, NodeKind } from '../runtime/model/node-kind.ts';

const KIND_WORDS: Record<KindField['kind'], string> = {
  expr: 'expression',
  template: 'template',
  name: 'name',
  enum: 'one of',
  boolean: 'boolean',
  integer: 'integer',
  list: 'list of strings or numbers',
  textList: 'list of texts',
  templateMap: 'mapping of templates',
  code: 'TypeScript statements',
};

function fieldCell(name: string, field: KindField): string {
  const kind = field.kind === 'enum' ? `one of ${(field.values ?? []).map((v) => `\`${v}\``).join(', ')}` : KIND_WORDS[field.kind];
  const notes = [kind, field.required ? 'required' : undefined, field.default !== undefined ? `default ${String(field.default)}` : undefined, field.roles?.length === 1 ? `${field.roles[0]} only` : undefined];
  return `\`${name}\` (${notes.filter(Boolean).join(', ')})`;
}

function fieldsCell(kind: NodeKind): string {
  const entries = Object.entries(kind.fields);
  if (entries.length === 0) return '—';
  const cells = entries.map(([name, f]) => fieldCell(name, f));
  return kind.oneOf ? `${cells.join(', ')}; exactly one of ${kind.oneOf.map((f) => `\`${f}\``).join(', ')}` : cells.join(', ');
}

function portsCell(kind: NodeKind): string {
  const ports = kind.ports;
  if (ports === undefined) return '—';
  if (typeof ports === 'function') return 'one per case, plus `default`';
  return ports.length === 0 ? '— (ends the chain)' : ports.map((p) => `\`${p}\``).join(', ');
}

function chainsCell(kind: NodeKind): string {
  const chain = kind.chain ?? [];
  if (chain.length === 6) return 'all';
  if (chain.length === 5 && !chain.includes('upgrader')) return 'handlers';
  return chain.join(', ');
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** `actions`: every chain step of the low-code vocabulary. */
function actionsTable(kinds: readonly NodeKind[]): string {
  return [
    row(['node', 'what it does', 'fields', 'ports', 'chains']),
    row(['---', '---', '---', '---', '---']),
    ...kinds.filter((k) => k.chain !== undefined).map((k) => row([`\`${k.id}\``, k.help.replace(/\|/g, '\\|'), fieldsCell(k), portsCell(k), chainsCell(k)])),
  ].join('\n');
}

/** `connectors`: every integration kind and how it may be wired. */
function connectorsTable(kinds: readonly NodeKind[]): string {
  const wired = (k: NodeKind) => [k.binding ? 'bound to a service' : undefined, k.chain ? 'chain step' : undefined].filter(Boolean).join(', or ');
  return [
    row(['node', 'title', 'wired as', 'fields']),
    row(['---', '---', '---', '---']),
    ...kinds.filter((k) => k.category === 'connector').map((k) => row([`\`${k.id}\``, k.title, wired(k), fieldsCell(k)])),
  ].join('\n');
}

export const KIND_TABLES: Record<string, (kinds: readonly NodeKind[]) => string> = { actions: actionsTable, connectors: connectorsTable };

/** `text` with every marked table replaced by what the registry says. */
export function withKindTables(text: string, kinds: readonly NodeKind[]): string {
  return text.replace(/(<!-- kinds:(\w+) -->)[\s\S]*?(<!-- \/kinds:\2 -->)/g, (whole, open: string, name: string, close: string) => {
    const table = KIND_TABLES[name];
    return table ? `${open}\n${table(kinds)}\n${close}` : whole;
  });
}
