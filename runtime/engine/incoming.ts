/**
 * `validateIncoming`: check each text frame against the service's `messages.incoming` shapes.
 * JSON messages are parsed and validated; `text/plain` ones validate the raw string. A frame
 * that matches no shape is refused (the connection closes with 1007 and the returned reason).
 */
import type { ValidateFunction } from 'ajv';
import type { ServiceNode } from '../model/types.ts';
import { newMessageAjv } from '../model/message-schemas.ts';

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

export function incomingCheck(service: ServiceNode): IncomingCheck | undefined {
  const specs = service.messages?.incoming;
  if (!service.validateIncoming || !specs || specs.length === 0) return undefined;
  const ajv = newMessageAjv();
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
