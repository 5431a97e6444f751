/**
 * Reads a flow document: YAML (with line/column for every node), its components inlined
 * (components.ts), plus the structural rules of validate.ts. Pure, so the canvas can use it;
 * schema and TypeScript checks live in runtime/check.
 */
import { isMap, type Document } from 'yaml';
import { MODEL_CODES as C } from './codes.ts';
import type { ComponentTexts } from './components.ts';
import { inlineComponents } from './component-inline.ts';
import type { Locator } from './locate.ts';
import { readYaml } from './read-yaml.ts';
import type { FlowDocument, Problem } from './types.ts';
import { validateStructure } from './validate.ts';

export { readYaml, type ParsedYaml } from './read-yaml.ts';

export interface ParsedFlow {
  /**
   * Present whenever the text is a YAML mapping, even when it has problems (the designer still
   * shows it). Code that runs a flow must refuse it when `problems` holds an error.
   */
  flow?: FlowDocument;
  problems: Problem[];
  locate: Locator;
  /** The YAML document, for callers that need more than `locate` (kept for round-trip saves). */
  document: Document;
  /**
   * The flow as it runs, every component inlined, with a locator into the flow and its component
   * files; absent with `flow`. The same flow and locator when it uses no component.
   */
  inlined?: { flow: FlowDocument; locate: Locator; files: string[]; uses: ReadonlyMap<string, { file: string; name: string }> };
}

export interface ParseOptions {
  /**
   * Texts of the component files the flow uses (runtime/check/components.ts reads them). Without
   * it (the canvas, which reads no files) component nodes are kept as they are and not checked.
   */
  components?: ComponentTexts;
}

export function parseFlow(text: string, file?: string, options: ParseOptions = {}): ParsedFlow {
  const { document, locate, problems, syntaxBroken } = readYaml(text, file);
  if (syntaxBroken) return { problems: sortProblems(problems), locate, document };

  if (document.contents === null || document.contents === undefined) {
    problems.push({ severity: 'error', code: C.DOC_EMPTY, message: `The file holds no flow; a flow starts with 'wsflow: 1'.`, file, line: 1, col: 1 });
    return { problems, locate, document };
  }
  if (!isMap(document.contents)) {
    const at = locate([]);
    problems.push({ severity: 'error', code: C.DOC_NOT_MAPPING, message: `A flow document must be a YAML mapping (keys like 'wsflow:', 'name:', 'nodes:'), not a list or a single value.`, file, line: at?.line ?? 1, col: at?.col ?? 1 });
    return { problems, locate, document };
  }
  let flow: FlowDocument;
  try {
    flow = document.toJS({ maxAliasCount: 100 }) as FlowDocument;
  } catch (error) {
    // Only alias bombs and similar pathological input end here.
    problems.push({ severity: 'error', code: C.YAML_SYNTAX, message: `The YAML cannot be read: ${error instanceof Error ? error.message : String(error)}`, file, line: 1, col: 1 });
    return { problems, locate, document };
  }
  const inlined = inlineComponents(flow, locate, file, options.components);
  const found = [...inlined.problems, ...validateStructure(inlined.flow, inlined.locate, file)];
  problems.push(...nameUses(found, file, inlined.uses));
  return { flow, problems: sortProblems(problems), locate, document, inlined: { flow: inlined.flow, locate: inlined.locate, files: inlined.files, uses: inlined.uses } };
}

/**
 * A problem located in a component file says which node of the flow uses it (the same component
 * line can be wrong for one use and fine for another, through params).
 */
export function nameUses(problems: Problem[], file: string | undefined, uses: ReadonlyMap<string, { file: string; name: string }>): Problem[] {
  if (uses.size === 0) return problems;
  return problems.map((p) => {
    if (p.file === file || p.file === undefined || p.nodeId === undefined) return p;
    let use: string | undefined;
    for (const id of uses.keys()) if (p.nodeId.startsWith(`${id}/`) && (use === undefined || id.length > use.length)) use = id;
    if (use === undefined) return p;
    return { ...p, message: `${p.message} (in component '${uses.get(use)?.name ?? ''}' used by '${use}')` };
  });
}

/** By file (the flow's first, then component files as first met), then line and column. */
export function sortProblems(problems: Problem[]): Problem[] {
  const files = new Map<string | undefined, number>();
  const first = problems.find((p) => p.file !== undefined && !p.file.endsWith('.wsflow-component.yaml'))?.file;
  files.set(undefined, 0);
  files.set(first, 0);
  for (const p of problems) if (!files.has(p.file)) files.set(p.file, files.size);
  const rank = (p: Problem) => files.get(p.file) ?? 0;
  return problems
    .map((p, i) => [p, i] as const)
    .sort(([a, ai], [b, bi]) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0) || ai - bi)
    .map(([p]) => p);
}
