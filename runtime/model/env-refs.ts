/**
 * The one reader of `${env.NAME}` references in flow values (secrets, connection strings,
 * connector templates, flow-test client fields). Every place that lists, resolves or checks them
 * goes through here, so `${ env.NAME }` (spaces inside the braces) means the same everywhere:
 * listed as required, substituted, not an inline secret. Pure (no `node:` imports): the designer
 * uses it too. Only whole references are replaced; text around them is kept (`Bearer ${env.TOKEN}`).
 */

/** A placeholder `${ path }` (spaces inside the braces allowed); group 1 is the trimmed path. Connector templates (template.ts) share it. */
export const PLACEHOLDER = /\$\{\s*([^}]*?)\s*\}/g;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_PATH = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;

/** The variable a placeholder's path names (`env.NAME`), else undefined. */
function envName(path: string): string | undefined {
  return ENV_PATH.exec(path)?.[1];
}

/** Names referenced in one value, in order of appearance, without repeats. */
export function envRefs(value: string): string[] {
  const names: string[] = [];
  for (const match of value.matchAll(PLACEHOLDER)) {
    const name = envName(match[1] ?? '');
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** The variable when the whole value (outer spaces aside) is one reference: `${env.MQTT_URL}`. */
export function wholeEnvRef(value: string): string | undefined {
  const m = /^\$\{\s*([^}]*?)\s*\}$/.exec(value.trim());
  return m ? envName(m[1] ?? '') : undefined;
}

/** Replace every reference with `fill(name)`; other placeholders and text stay as written. */
export function replaceEnvRefs(value: string, fill: (name: string) => string): string {
  return value.replace(PLACEHOLDER, (whole, path: string) => {
    const name = envName(path);
    return name === undefined ? whole : fill(name);
  });
}

export interface ResolvedValue {
  value: string;
  /** referenced variables that are unset or empty */
  missing: string[];
}

/** Replace every `${env.NAME}` with its value; unset (or empty) names are listed in `missing`. */
export function resolveEnvRefs(value: string, env: Readonly<Record<string, string | undefined>>): ResolvedValue {
  const missing: string[] = [];
  const resolved = replaceEnvRefs(value, (name) => {
    const v = env[name];
    if (v === undefined || v === '') {
      if (!missing.includes(name)) missing.push(name);
      return '';
    }
    return v;
  });
  return { value: resolved, missing };
}
