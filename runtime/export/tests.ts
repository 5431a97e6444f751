/**
 * The flow's tests travel with the export (`tests/NAME.wsflow.test.yaml`), so the deployed service
 * can be checked with the same tests as the flow: `wsflow test tests/... --url ws://HOST:PORT`.
 * The tests are not part of the image (.dockerignore allows only the bundle).
 */
import type { ExportPlan } from './plan.ts';
import type { OutputFile } from './write.ts';

export interface ExportTests {
  /** File name of the test file, e.g. `chat.wsflow.test.yaml`. */
  fileName: string;
  content: string;
}

export const TESTS_DIR = 'tests';

/** The test file, without a `$schema` comment whose relative path only worked in the repository. */
export function testArtifact(tests: ExportTests): OutputFile {
  const content = tests.content.replace(/^# yaml-language-server: \$schema=(?!https?:)\S*\r?\n/, '');
  return { path: `${TESTS_DIR}/${tests.fileName}`, content };
}

export function testsReadme(plan: ExportPlan, file: OutputFile): string[] {
  const port = plan.flow.listener.port;
  return [
    '',
    '## Tests',
    '',
    `\`${file.path}\` holds the flow's functional tests. Run them against the running service or`,
    'container (with the wsflow CLI, from the project that holds the flow):',
    '',
    '```sh',
    `docker run --rm -p ${port}:${port} ${plan.flow.name}:${plan.flow.version ?? 'latest'} &`,
    `npx wsflow test ${file.path} --url ws://localhost:${port}`,
    `npx wsflow test ${file.path} --url ws://localhost:${port} --reporter junit --out junit.xml   # for CI`,
    '```',
    '',
    'Exit code 0 means every test passed, 1 that a test failed (the output names the test and the',
    'step), 2 that the tests or arguments are invalid.',
  ];
}
