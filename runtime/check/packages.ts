/**
 * The packages a flow names under `packages:` (docs/nodes-sdk.md): each is found from the flow's
 * folder the way Node finds a bare import (`node_modules` folders upward, the package's
 * `exports` or `main`), imported, and its default export checked to be a KindPackage. Node only:
 * the designer gets the kinds as data (specs) from the studio.
 *
 * A package is imported once per process (Node caches modules): edit a package, restart the studio.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isObj } from '../model/is-obj.ts';
import type { NodeKind } from '../model/node-kind.ts';
import { packageProblem, specOf, type KindSpec } from '../model/package-kinds.ts';
import { readYaml } from '../model/read-yaml.ts';
import { isBuiltInKind } from '../model/registry.ts';
import type { Problem } from '../model/types.ts';

export const PACKAGE_CODES = {
  NAME_INVALID: 'WSF_PACKAGE_NAME_INVALID',
  MISSING: 'WSF_PACKAGE_MISSING',
  LOAD_FAILED: 'WSF_PACKAGE_LOAD_FAILED',
  NOT_KINDS: 'WSF_PACKAGE_NOT_KINDS',
  KIND_CLASH: 'WSF_PACKAGE_KIND_CLASH',
} as const;
const C = PACKAGE_CODES;

/** One package the flow uses: where its entry is (the exporter bundles it) and what it added. */
export interface LoadedPackage {
  name: string;
  /** Absolute path of the module imported. */
  entry: string;
  kinds: string[];
  /** True when it gave Node halves (the exported service must bundle it). */
  hasRuntimes: boolean;
}

export interface FlowPackages {
  packages: LoadedPackage[];
  kinds: NodeKind[];
  /** Node halves by kind id (checked for shape; the connectors hub calls them). */
  runtimes: Map<string, unknown>;
  /** The kinds as data, for the designer. */
  specs: KindSpec[];
  problems: Problem[];
}

/** npm's rules for a package name (lower case, an optional @scope); never a path. */
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

export function noPackages(): FlowPackages {
  return { packages: [], kinds: [], runtimes: new Map(), specs: [], problems: [] };
}

/** Loads the packages the flow text names; every refusal is a located problem on its name. */
export async function loadFlowPackages(text: string, file: string, folder?: string): Promise<FlowPackages> {
  const out = noPackages();
  // Most flows name no package: skip the second YAML read.
  if (!/^packages\s*:/m.test(text)) return out;
  const { document, locate } = readYaml(text, file);
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  const names = isObj(root) && Array.isArray(root.packages) ? (root.packages as unknown[]) : [];
  const from = dirname(folder === undefined ? resolve(file) : resolve(folder, file));
  const owner = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    // Not a text: the JSON Schema says so (WSF_SCHEMA).
    if (typeof name !== 'string') continue;
    const at = locate(['packages', index]);
    const problem = (code: string, message: string): void => {
      out.problems.push({ severity: 'error', code, message, file: at?.file ?? file, line: at?.line, col: at?.col, field: `packages.${index}` });
    };
    if (!PACKAGE_NAME.test(name)) {
      problem(C.NAME_INVALID, `Package '${name}' is not a package name (lower-case letters, digits, - . _ ~, an optional @scope/); packages are found by name, never by path.`);
      continue;
    }
    const entry = findEntry(name, from);
    if (entry.error !== undefined) {
      problem(C.MISSING, `Package '${name}' ${entry.error}, looked from ${from} (install it beside the flow: npm install ${name}).`);
      continue;
    }
    let exported: unknown;
    try {
      exported = ((await import(pathToFileURL(entry.path).href)) as { default?: unknown }).default;
    } catch (error) {
      problem(C.LOAD_FAILED, `Package '${name}' failed to load (${entry.path}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    const why = packageProblem(exported);
    if (why !== undefined) {
      problem(C.NOT_KINDS, `Package '${name}' does not export node kinds: ${why}. Its default export must be { kinds: [defineKind({...})], runtimes?: [...] } (docs/nodes-sdk.md).`);
      continue;
    }
    const pkg = exported as { kinds: NodeKind[]; runtimes?: { id: string }[] };
    const clash = pkg.kinds.find((k) => isBuiltInKind(k.id) || owner.has(k.id));
    if (clash) {
      const other = owner.get(clash.id);
      problem(C.KIND_CLASH, `Package '${name}' adds kind '${clash.id}', which ${other ? `package '${other}' adds too` : 'is a built-in kind'}; rename it in the package.`);
      continue;
    }
    for (const kind of pkg.kinds) {
      owner.set(kind.id, name);
      out.kinds.push(kind);
      out.specs.push(specOf(kind));
    }
    for (const runtime of pkg.runtimes ?? []) out.runtimes.set(runtime.id, runtime);
    out.packages.push({ name, entry: entry.path, kinds: pkg.kinds.map((k) => k.id), hasRuntimes: (pkg.runtimes ?? []).length > 0 });
  }
  return out;
}

/** The module `import(name)` would load from `dir`: `node_modules` folders upward, then exports or main. */
function findEntry(name: string, dir: string): { path: string; error?: undefined } | { error: string } {
  for (let at = dir; ; at = dirname(at)) {
    const folder = join(at, 'node_modules', name);
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(manifest, 'utf8'));
      } catch (error) {
        return { error: `has an unreadable package.json (${error instanceof Error ? error.message : String(error)})` };
      }
      const target = isObj(json) ? (exportTarget(json.exports) ?? (typeof json.main === 'string' ? json.main : 'index.js')) : undefined;
      if (target === undefined) return { error: 'has a package.json that is not an object' };
      const path = resolve(folder, target);
      // A target outside the package folder is not the package's.
      if (!path.startsWith(folder + sep)) return { error: `names an entry outside its folder (${target})` };
      return existsSync(path) ? { path } : { error: `names an entry that does not exist (${target})` };
    }
    if (dirname(at) === at) return { error: 'is not installed (no node_modules folder above the flow holds it)' };
  }
}

/** The main entry of a package.json `exports` for `import` in Node (the conditions Node uses). */
function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) return exportTarget(exports[0]);
  if (!isObj(exports)) return undefined;
  if ('.' in exports) return exportTarget(exports['.']);
  for (const condition of ['import', 'node', 'default']) {
    const found = exportTarget(exports[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}
