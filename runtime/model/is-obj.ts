/** A YAML mapping as parsed: an object that is not a list (documents are read field by field). */
export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
