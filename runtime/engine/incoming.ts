/**
 * `validateIncoming`: check each text frame against the service's `messages.incoming` shapes.
 * JSON messages are parsed and validated; `text/plain` ones validate the raw string. A frame
 * that matches no shape is refused (the connection closes with 1007 and the returned reason).
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { ServiceNode } from '../model/types.ts';

/** Returns null when the text is acceptable, else a close reason (at most 123 bytes). */
export type IncomingCheck = (text: string) => string | null;

interface Shape {
  name: string;
  plain: boolean;
  validate?: ValidateFunction;
}

function clip(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = `${r.slice(0, r.length - 4)}...`;
  return r;
}

/** The one ajv setup for message shapes: `wsflow validate` compiles with it what `run` compiles. */
function newAjv(): Ajv {
  return new Ajv({ allErrors: false, strict: false });
}

/**
 * Why each `messages.incoming` schema the engine would compile cannot be compiled (a bad
 * `pattern`, a `$ref` that points nowhere), by index; empty when all compile.
 */
export function incomingSchemaErrors(service: ServiceNode): { index: number; message: string }[] {
  const specs = service.messages?.incoming ?? [];
  const ajv = newAjv();
  const errors: { index: number; message: string }[] = [];
  specs.forEach((spec, index) => {
    if (!spec || typeof spec !== 'object' || !spec.schema) return;
    try {
      ajv.compile(spec.schema);
    } catch (error) {
      errors.push({ index, message: error instanceof Error ? error.message : String(error) });
    }
  });
  return errors;
}

export function incomingCheck(service: ServiceNode): IncomingCheck | undefined {
  const specs = service.messages?.incoming;
  if (!service.validateIncoming || !specs || specs.length === 0) return undefined;
  const ajv = newAjv();
  const shapes: Shape[] = specs.map((spec) => ({
    name: spec.name,
    plain: typeof spec.contentType === 'string' && spec.contentType.startsWith('text/'),
    validate: spec.schema ? ajv.compile(spec.schema) : undefined,
  }));
  const anyJson = shapes.some((s) => !s.plain);
  return (text: string) => {
    let parsed: unknown;
    let isJson = false;
    if (anyJson) {
      try {
        parsed = JSON.parse(text);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    let firstError = '';
    for (const shape of shapes) {
      const value = shape.plain ? text : parsed;
      if (!shape.plain && !isJson) continue;
      if (!shape.validate || shape.validate(value)) return null;
      if (!firstError) {
        const e = shape.validate.errors?.[0];
        firstError = `${shape.name}: ${e ? `${e.instancePath || 'message'} ${e.message ?? 'is invalid'}` : 'invalid'}`;
      }
    }
    if (!isJson && !shapes.some((s) => s.plain)) return clip('invalid message: not JSON');
    return clip(`invalid message (${firstError || 'matches no declared message'})`);
  };
}
