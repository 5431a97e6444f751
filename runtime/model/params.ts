/**
 * Declared query parameters and headers of an upgrade: convert raw strings to their declared type.
 * Pure, shared by the engine (handshake checks) and anything that wants to preview values.
 */
import type { ParamSpec } from './types.ts';

export type ParamValue = string | number | boolean | undefined;

export interface CoercedParams {
  /** Declared parameters converted (or defaulted); undeclared ones passed through as strings. */
  values: Record<string, ParamValue>;
  /** One sentence per problem, e.g. `query parameter "age" must be an integer`. */
  errors: string[];
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Convert one raw string; returns an error sentence tail when it does not fit the type. */
export function coerceValue(spec: ParamSpec, raw: string): { value?: ParamValue; error?: string } {
  switch (spec.type) {
    case 'integer': {
      const v = Number(raw.trim());
      if (!INTEGER.test(raw.trim()) || !Number.isSafeInteger(v)) return { error: 'must be an integer' };
      return { value: v };
    }
    case 'number': {
      if (!NUMBER.test(raw.trim())) return { error: 'must be a number' };
      const v = Number(raw.trim());
      return Number.isFinite(v) ? { value: v } : { error: 'must be a number' };
    }
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t === 'true' || t === '1') return { value: true };
      if (t === 'false' || t === '0') return { value: false };
      return { error: 'must be true or false' };
    }
    default:
      return { value: raw };
  }
}

/**
 * `kind` names the parameter in messages: `query parameter` (default) or `header`.
 * A declared parameter that is absent is left undefined unless it has a default; a required one
 * that is absent is an error. An empty value counts as present.
 */
export function coerceParams(
  specs: Record<string, ParamSpec> | undefined,
  raw: Record<string, string | undefined>,
  kind = 'query parameter',
): CoercedParams {
  const values: Record<string, ParamValue> = {};
  const errors: string[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined && !(specs && Object.hasOwn(specs, name))) values[name] = value;
  }
  for (const [name, spec] of Object.entries(specs ?? {})) {
    const value = raw[name];
    if (value === undefined) {
      if (spec.required) errors.push(`${kind} "${name}" is required`);
      else if (spec.default !== undefined) {
        const d = typeof spec.default === 'string' ? coerceValue(spec, spec.default).value : spec.default;
        values[name] = d;
      } else values[name] = undefined;
      continue;
    }
    const result = coerceValue(spec, value);
    if (result.error) errors.push(`${kind} "${name}" ${result.error}`);
    else values[name] = result.value;
  }
  return { values, errors };
}
