/**
 * JSON Schema validation of a flow with ajv, each error mapped to file:line:col. Node only: ajv
 * compiles schemas to code with `new Function`, which the renderer's CSP forbids; the studio
 * backend runs it on the renderer's behalf.
 */
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { MODEL_CODES as C } from '../model/codes.ts';
import type { FieldPath, Locator } from '../model/locate.ts';
import type { FlowDocument, Problem } from '../model/types.ts';
import { nodeSchema } from '../model/kind-schema.ts';
import { isPackageKind, KINDS } from '../model/registry.ts';

export const SCHEMA_URL = new URL('../model/wsflow.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;
/** The schema with the current flow's package kinds in its node definition, by their ids. */
let withPackages: { key: string; validate: ValidateFunction } | undefined;
function validator(): ValidateFunction {
  // Strict, so a mistake in the schema itself fails loudly; `patternErrorMessage` is the
  // yaml-language-server's friendly pattern message, which we show too.
  const added = KINDS.filter((k) => isPackageKind(k.id));
  if (added.length === 0) return (compiled ??= compileSchemaFile(SCHEMA_URL));
  // A package's kinds are not in the schema file: derive its node definition again, with them.
  const key = added.map((k) => k.id).join(',');
  if (withPackages?.key !== key) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as { definitions: Record<string, unknown> };
    schema.definitions.node = nodeSchema();
    withPackages = { key, validate: compileSchema(schema) };
  }
  return withPackages.validate;
}

export function checkSchema(flow: FlowDocument, locate: Locator, file?: string): Problem[] {
  return schemaProblems(validator(), flow, locate, file, C.SCHEMA, (path) => {
    const nodeIndex = path[0] === 'nodes' && typeof path[1] === 'number' ? path[1] : undefined;
    const node = nodeIndex === undefined ? undefined : flow.nodes[nodeIndex];
    const nodeId = node && typeof node === 'object' && typeof node.id === 'string' ? node.id : undefined;
    return { nodeId, field: (nodeIndex === undefined ? path : path.slice(2)).join('.') };
  });
}

/** Where a schema error points: the node it belongs to and the field name shown to the user. */
export type SchemaScope = (path: FieldPath) => { nodeId?: string; field: string };

/**
 * Runs a compiled JSON Schema over `data` and turns each error into a located problem with a
 * plain sentence. Shared by every schema-backed YAML file (flows, flow tests).
 */
export function schemaProblems(validate: ValidateFunction, data: unknown, locate: Locator, file: string | undefined, code: string, scope: SchemaScope = (path) => ({ field: path.join('.') })): Problem[] {
  if (validate(data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    // `if` only says "the then-branch failed"; the branch's own errors say what is wrong.
    if (error.keyword === 'if') continue;
    const path = pointerToPath(error.instancePath, data);
    const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty) : undefined;
    const fullPath = missing ? [...path, missing] : path;
    const key = `${fullPath.join('/')}|${error.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { nodeId, field } = scope(fullPath);
    // An unknown key: point at it, not at the mapping that holds it.
    const extra = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty?: string }).additionalProperty : undefined;
    const at = (extra === undefined ? undefined : locate([...path, extra])) ?? locate(path) ?? locate([]);
    problems.push({
      severity: 'error',
      code,
      message: describeError(error, field),
      file: at?.file ?? file,
      line: at?.line,
      col: at?.col,
      nodeId,
      field: field || undefined,
    });
  }
  return problems;
}

/** Compiles a schema file the way the flow's schema is compiled (strict, all errors). */
export function compileSchemaFile(url: URL): ValidateFunction {
  return compileSchema(JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>);
}

function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  ajv.addKeyword('patternErrorMessage');
  return ajv.compile(schema);
}

function pointerToPath(pointer: string, root: unknown): FieldPath {
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: string | number = Array.isArray(node) && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(key);
    node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function typeName(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const ARTICLE: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: "a mapping (key: value pairs)",
  array: 'a list',
  null: 'empty',
};

function describeError(error: ErrorObject, field: string): string {
  const name = field ? `'${field}'` : 'The document';
  const params = error.params as Record<string, unknown>;
  const found = typeName(error.data);
  switch (error.keyword) {
    case 'required':
      return `Missing required field '${field}'.`;
    case 'type': {
      const types = String(params.type).split(',').map((t) => ARTICLE[t] ?? t);
      return `${name} must be ${types.join(' or ')}, not ${found}.`;
    }
    case 'const':
      return `${name} must be ${JSON.stringify(params.allowedValue)}, not ${found}.`;
    case 'enum':
      return `${name} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, not ${found}.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${name} ${error.message ?? 'is out of range'}, not ${found}.`;
    case 'pattern': {
      const custom = (error.parentSchema as { patternErrorMessage?: string } | undefined)?.patternErrorMessage;
      return `${name} ${custom ?? `must match the pattern ${String(params.pattern)}`}, not ${found}.`;
    }
    case 'additionalProperties':
      return `${field ? `'${field}' has` : 'The document has'} an unknown key '${String(params.additionalProperty)}'.`;
    case 'minLength':
      return `${name} must not be empty.`;
    case 'maxLength':
      return `${name} must be at most ${String(params.limit)} characters long.`;
    default:
      return `${name} ${error.message ?? 'is invalid'}.`;
  }
}
