/**
 * Compiling message shapes (`messages.incoming[].schema`) with ajv, the one setup the engine's
 * `validateIncoming` and `wsflow validate` share, so that a flow that validates also starts.
 * Node only in practice: ajv compiles schemas to code with `new Function`, which the renderer's
 * CSP forbids (the renderer asks the studio backend to validate).
 */
import { Ajv } from 'ajv';
import type { ServiceNode } from './types.ts';

/** The one ajv setup for message shapes: `wsflow validate` compiles with it what `run` compiles. */
export function newMessageAjv(): Ajv {
  return new Ajv({ allErrors: false, strict: false });
}

/**
 * Why each `messages.incoming` schema the engine would compile cannot be compiled (a bad
 * `pattern`, a `$ref` that points nowhere), by index; empty when all compile.
 */
export function messageSchemaErrors(service: ServiceNode): { index: number; message: string }[] {
  const specs = service.messages?.incoming ?? [];
  const ajv = newMessageAjv();
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
