/**
 * The `node` definition of the flow's JSON Schema (runtime/model/wsflow.schema.json), derived from
 * the node kinds. `npm run kinds` writes it into the schema file and test/model/kinds.test.ts
 * checks that the file holds exactly this.
 */
import type { KindField, NodeKind } from './node-kind.ts';
import { KINDS, fieldsFor } from './registry.ts';

type Json = Record<string, unknown>;

function fieldSchema(field: KindField, bindingOnly: boolean): Json {
  const description = { description: field.help.replace(/`/g, '') };
  const extra = field.schema ?? {};
  switch (field.kind) {
    case 'expr':
      return { $ref: '#/definitions/expr' };
    case 'template':
      return bindingOnly ? { $ref: '#/definitions/connectorTemplate' } : { $ref: '#/definitions/template' };
    case 'name':
      return { $ref: '#/definitions/name' };
    case 'enum':
      return { ...description, enum: [...(field.values ?? [])] };
    case 'boolean':
      return { ...description, type: 'boolean' };
    case 'integer':
      return { ...description, type: 'integer', ...(field.min !== undefined ? { minimum: field.min } : {}), ...(field.max !== undefined ? { maximum: field.max } : {}), ...extra };
    case 'list':
      return { ...description, type: 'array', minItems: 1, items: { type: ['string', 'number'] } };
    case 'textList':
      return { ...description, type: 'array', items: { type: 'string', minLength: 1 } };
    case 'templateMap':
      return { ...description, type: 'object', additionalProperties: { $ref: '#/definitions/connectorTemplate' } };
    case 'code':
      return { ...description, type: 'string' };
  }
}

function kindSchema(kind: NodeKind): Json | undefined {
  // A kind that is only a binding is checked by the schema for required fields; a chain step's
  // missing field gets the chain validator's message (it names the node and the field's help).
  const bindingOnly = kind.chain === undefined && kind.binding === true;
  const properties: Json = { ...(kind.schema ?? {}) };
  for (const [name, field] of fieldsFor(kind, kind.chain ? 'chain' : 'binding')) properties[name] = fieldSchema(field, bindingOnly);
  for (const [name, field] of fieldsFor(kind, 'binding')) properties[name] ??= fieldSchema(field, bindingOnly);
  if (Object.keys(properties).length === 0) return undefined;
  const required = bindingOnly ? Object.entries(kind.fields).filter(([, f]) => f.required).map(([n]) => n) : [];
  return {
    if: { properties: { type: { const: kind.id } }, required: ['type'] },
    then: { ...(required.length > 0 ? { required } : {}), properties },
  };
}

/** `definitions.node`: id, type (every kind), position, label, description, disabled, and each kind's fields. */
export function nodeSchema(): Json {
  return {
    type: 'object',
    required: ['id', 'type'],
    properties: {
      id: { description: 'Unique id of the node (edges refer to it).', type: 'string', minLength: 1 },
      type: { enum: KINDS.map((k) => k.id) },
      position: { $ref: '#/definitions/position' },
      label: { type: 'string' },
      description: { type: 'string' },
      disabled: { description: 'Kept in the file and on the canvas, left out of runs and exports (a chain step is passed through to its next).', type: 'boolean' },
    },
    allOf: KINDS.map(kindSchema).filter((s): s is Json => s !== undefined),
  };
}
