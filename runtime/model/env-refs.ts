/**
 * `${env.NAME}` references in flow values (secrets, connection strings): found and resolved
 * against an environment given by the caller. Pure, so the designer, the engine and the exporter
 * share one reading of the syntax. Only whole `${env.NAME}` tokens are replaced; any other text
 * around them is kept (`Bearer ${env.TOKEN}`).
 */

const ENV_REF = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names referenced in one value, in order of appearance, without repeats. */
export function envRefs(value: string): string[] {
  const names: string[] = [];
  for (const match of value.matchAll(ENV_REF)) {
    const name = match[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Every name referenced by any string anywhere in `value` (a node, a whole flow), sorted. */
export function envRefsDeep(value: unknown, depth = 0): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, d: number) => {
    // Flow documents are bounded in depth by the parser; this guard only protects odd callers.
    if (d > 64) return;
    if (typeof v === 'string') for (const n of envRefs(v)) found.add(n);
    else if (Array.isArray(v)) for (const item of v) walk(item, d + 1);
    else if (typeof v === 'object' && v !== null) for (const item of Object.values(v)) walk(item, d + 1);
  };
  walk(value, depth);
  return [...found].sort();
}

export interface ResolvedValue {
  value: string;
  /** referenced variables that are unset or empty */
  missing: string[];
}

/** Replace every `${env.NAME}` with its value; unset (or empty) names are listed in `missing`. */
export function resolveEnvRefs(value: string, env: Readonly<Record<string, string | undefined>>): ResolvedValue {
  const missing: string[] = [];
  const resolved = value.replace(ENV_REF, (_all, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return v;
  });
  return { value: resolved, missing };
}
