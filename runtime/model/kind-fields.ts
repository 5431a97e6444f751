/**
 * The one check of a field value against its kind (runtime/model/node-kind.ts), for chain steps
 * (model/chains.ts) and service bindings (model/connectors.ts) alike. Returns the end of a sentence
 * that starts with the field's name ("'qos' must be one of 0, 1, 2, not 5."), or undefined.
 */
import type { KindField, Role } from './node-kind.ts';
import { isObj } from './is-obj.ts';

const NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObj(value)) return 'a mapping';
  return JSON.stringify(value);
}

export function checkFieldValue(field: KindField, value: unknown, role: Role): string | undefined {
  const not = `not ${describeValue(value)}.`;
  switch (field.kind) {
    case 'expr':
      if (typeof value === 'number' || typeof value === 'boolean') return undefined;
      if (typeof value !== 'string') return `must be a TypeScript expression written as text, ${not}`;
      return value.trim() === '' ? 'is empty; write an expression.' : undefined;
    case 'template':
      // In a chain a YAML number reads as its text; a binding's template is filled as text.
      if (role === 'binding') return typeof value === 'string' && (!field.required || value.trim() !== '') ? undefined : `must be a non-empty text, ${not}`;
      return typeof value === 'string' || typeof value === 'number' ? undefined : `must be a text template like 'Hi \${conn.params.name}', ${not}`;
    case 'code':
      return typeof value === 'string' ? undefined : `must be TypeScript statements (use 'code: |'), ${not}`;
    case 'name':
      return typeof value === 'string' && NAME.test(value) ? undefined : `must be a plain name (letters, digits, _ and $, not starting with a digit), ${not}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, ${not}`;
    case 'enum':
      return (field.values ?? []).includes(value as string | number) ? undefined : `must be one of ${(field.values ?? []).join(", ")}, ${not}`;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= (field.min ?? -Infinity) && value <= (field.max ?? Infinity)
        ? undefined
        : `must be a whole number from ${field.min ?? '-∞'} to ${field.max ?? '∞'}, ${not}`;
    case 'list':
      if (!Array.isArray(value) || value.length === 0) return `must be a non-empty list like [Connect, Data], ${not}`;
      return value.every((v) => typeof v === 'string' || typeof v === 'number') ? undefined : 'must list only strings and numbers.';
    case 'textList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? undefined : `must be a list of non-empty texts, ${not}`;
    case 'templateMap':
      if (!isObj(value)) return `must be a mapping of names to texts, ${not}`;
      return Object.values(value).every((v) => typeof v === 'string') ? undefined : 'must map each name to a text.';
  }
}
