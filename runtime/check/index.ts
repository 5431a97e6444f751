/**
 * Full validation of a flow (Node only): YAML + structure (model/parse.ts), JSON Schema (ajv) and
 * TypeScript checks of the snippets. Every problem at once, sorted by line.
 */
import { readFile } from 'node:fs/promises';
import { MODEL_CODES as C } from '../model/codes.ts';
import type { Locator } from '../model/locate.ts';
import { nameUses, parseFlow, sortProblems } from '../model/parse.ts';
import { isActionType, type FlowDocument, type Problem } from '../model/types.ts';
import { checkSchema } from './schema.ts';
import { checkMessageSchemas } from './messages.ts';
import { unsetEnvProblems } from '../model/connectors.ts';
import { readComponentTexts, type ReadText } from './components.ts';
import { loadFlowPackages, noPackages, type FlowPackages } from './packages.ts';
import { setPackageKinds } from '../model/registry.ts';

export { readComponentTexts, type ReadText } from './components.ts';
export type { FlowPackages, LoadedPackage } from './packages.ts';

export interface ValidationResult {
  /** The flow as it runs: its components inlined (runtime/model/component-inline.ts). */
  flow?: FlowDocument;
  problems: Problem[];
  /** The component files the flow uses (hot reload watches them too). */
  componentFiles?: string[];
  /** Positions of `flow` (components inlined) in the flow file or its component files. */
  locate?: Locator;
  /** The packages the flow names (`packages:`) and the kinds they added (docs/nodes-sdk.md). */
  packages: FlowPackages;
}

export interface ValidateOptions {
  /** Type-check snippets with TypeScript (default true). */
  typecheck?: boolean;
  /** Report `${env.NAME}` references this environment leaves unset (WSF_ENV_UNSET). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `error` where the flow is about to run (default), `warning` where the environment may differ later. */
  envSeverity?: Problem['severity'];
  /** Reads the component files the flow uses (default: from disk, relative to the flow's path). */
  readComponent?: ReadText;
  /** The folder a relative `file` is in (the studio's folder; default: the working directory): its packages are found from there. */
  folder?: string;
}

export async function validateFlowText(text: string, file: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  // The flow's package kinds first: everything below (structure, schema, compile) reads the registry.
  const packages = await loadFlowPackages(text, file, options.folder);
  setPackageKinds(packages.kinds, packages.runtimes);
  const components = await readComponentTexts(text, file, options.readComponent);
  const parsed = parseFlow(text, file, { components });
  if (!parsed.flow || !parsed.inlined) return { problems: sortProblems([...packages.problems, ...parsed.problems]), packages };
  // Everything below sees the flow as it runs, located back into the flow or its component files.
  const { flow, locate, files, uses } = parsed.inlined;
  const problems = [...packages.problems, ...parsed.problems];
  // The structural rules already explain some things the schema also catches (a bad port, an
  // unknown node type, a handler without code): keep only the clearer, structural message.
  const covered = new Set(problems.map(coverKey));
  for (const p of checkSchema(flow, locate, file)) {
    if (!covered.has(coverKey(p))) problems.push(p);
  }
  problems.push(...checkMessageSchemas(flow, locate, file));
  if (options.env) problems.push(...unsetEnvProblems(flow, options.env, locate, file, options.envSeverity ?? 'error'));
  if (options.typecheck !== false) {
    // Loaded on demand: the TypeScript compiler costs about a second to load, and `wsflow run`
    // and the exporter's quick checks skip type checks.
    const [{ checkSnippets }, { incomingTypes }] = await Promise.all([import('./typecheck.ts'), import('./incoming-types.ts')]);
    // Types for `json` only matter to chains that use it.
    const usesJson = flow.nodes.some((n) => n && isActionType(n.type) && Object.values(n).some((v) => typeof v === 'string' && /\bjson\b/.test(v)));
    const found = checkSnippets(flow, locate, file, { incomingTypes: usesJson ? await incomingTypes(flow) : undefined });
    problems.push(...nameUses(found, file, uses));
  }
  return { flow, problems: sortProblems(problems), componentFiles: files, locate, packages };
}

function coverKey(p: Problem): string {
  return `${p.line ?? ''}:${p.col ?? ''}|${p.field ?? ''}`;
}

export async function validateFlowFile(path: string, options: ValidateOptions = {}): Promise<ValidationResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT';
    const message = missing
      ? 'File not found.'
      : code === 'EISDIR'
        ? 'This is a folder, not a flow file.'
        : `The file cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`;
    return { problems: [{ severity: 'error', code: missing ? C.FILE_NOT_FOUND : C.FILE_UNREADABLE, message, file: path }], packages: noPackages() };
  }
  return validateFlowText(text, path, options);
}

/** `file:line:col: error [node id] message (CODE)`; parts that are unknown are left out. */
export function formatProblem(p: Problem): string {
  const where = [p.file ?? '<flow>', p.line, p.line !== undefined ? p.col : undefined].filter((x) => x !== undefined).join(':');
  const node = p.nodeId !== undefined ? `[${p.nodeId}] ` : '';
  return `${where}: ${p.severity} ${node}${p.message} (${p.code})`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
