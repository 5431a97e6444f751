/**
 * Reads a flow test file (Node): YAML with locations (the flow's reader), the published JSON
 * Schema (ajv, as for flows), then parse.ts's rules. Every problem at once, sorted by line.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { isMap } from 'yaml';
import { compileSchemaFile, schemaProblems } from '../check/schema.ts';
import { readYaml, sortProblems } from '../model/parse.ts';
import type { Problem } from '../model/types.ts';
import { FLOWTEST_CODES as C } from './codes.ts';
import { parseTestSuite, type ParseTestOptions } from './parse.ts';
import type { TestSuite } from './types.ts';

export const TEST_SCHEMA_URL = new URL('./wsflow-test.schema.json', import.meta.url);
/** `NAME.wsflow.yaml` -> `NAME.wsflow.test.yaml`, and back. */
export const TEST_SUFFIX = '.wsflow.test.yaml';
export const FLOW_SUFFIX = '.wsflow.yaml';

let compiled: ValidateFunction | undefined;

export interface LoadedTests {
  suite?: TestSuite;
  problems: Problem[];
  /** The file's text, when it could be read. */
  text?: string;
}

export function readTestText(text: string, options: ParseTestOptions = {}): LoadedTests {
  const file = options.file;
  const { document, locate, problems, syntaxBroken } = readYaml(text, file);
  const fail = (message: string): LoadedTests => ({ problems: sortProblems([...problems, { severity: 'error', code: C.DOC, message, file, line: locate([])?.line ?? 1, col: locate([])?.col ?? 1 }]) });
  if (syntaxBroken) return { problems: sortProblems(problems) };
  if (document.contents === null || document.contents === undefined) return fail(`The file holds no tests; a test file starts with 'wsflowTest: 1' and lists 'tests:'.`);
  if (!isMap(document.contents)) return fail(`A test file must be a YAML mapping (keys 'wsflowTest:', 'tests:'), not a list or a single value.`);
  let value: Record<string, unknown>;
  try {
    value = document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    return fail(`The YAML cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if ('wsflow' in value && !('wsflowTest' in value)) return fail(`This is a flow ('wsflow:'), not a test file; its tests live in the ${TEST_SUFFIX} file beside it.`);
  if (problems.some((p) => p.severity === 'error')) return { problems: sortProblems(problems) };
  const schema = schemaProblems((compiled ??= compileSchemaFile(TEST_SCHEMA_URL)), value, locate, file, C.SCHEMA);
  if (schema.length > 0) return { problems: sortProblems([...problems, ...schema]) };
  const parsed = parseTestSuite(value, locate, options);
  return { suite: parsed.suite, problems: sortProblems([...problems, ...parsed.problems]) };
}

/** The test file beside a flow: `X.wsflow.yaml` -> `X.wsflow.test.yaml`. */
export function testFileFor(flowFile: string): string | undefined {
  return flowFile.endsWith(FLOW_SUFFIX) ? flowFile.slice(0, -FLOW_SUFFIX.length) + TEST_SUFFIX : undefined;
}

export async function loadTestFile(path: string, env?: ParseTestOptions['env']): Promise<LoadedTests> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'Test file not found.' : `The test file cannot be read (${code ?? String(error)}).`;
    return { problems: [{ severity: 'error', code: C.FILE_NOT_FOUND, message, file: path }] };
  }
  return { ...readTestText(text, { file: path, env }), text };
}

/**
 * The tests beside a flow, checked, for the export to copy: undefined when the flow has none.
 * `${env.NAME}` references are kept as written (they are read where the tests run).
 */
export async function testsBeside(flowFile: string): Promise<{ fileName: string; content: string; problems: Problem[] } | undefined> {
  const testFile = testFileFor(flowFile);
  if (!testFile || !existsSync(testFile)) return undefined;
  const loaded = await loadTestFile(testFile);
  return { fileName: basename(testFile), content: loaded.text ?? '', problems: loaded.problems };
}
