/**
 * The studio's side of flow tests: read the test file beside the open flow, add a recorded test to
 * it, and run tests against the live run (like `wsflow test --url`), noting which nodes ran.
 */
import { appendRecordedTest, type RecordedTest } from '../flowtest/record.ts';
import { readTestText, testFileFor } from '../flowtest/load.ts';
import { runTest, stepLabel } from '../flowtest/runner.ts';
import type { RootFolder } from './files.ts';
import type { FlowTest } from '../flowtest/types.ts';
import type { FlowTestRun, FlowTestsInfo } from './protocol.ts';
import type { Runner } from './runner.ts';

function studioError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class FlowTests {
  constructor(
    private readonly folder: RootFolder,
    private readonly runner: Runner,
  ) {}

  private testPath(flowPath: string | undefined): string {
    const test = flowPath ? testFileFor(flowPath) : undefined;
    if (!test) throw studioError('WSF_STUDIO_TESTS_PATH', 'save the flow as NAME.wsflow.yaml first: its tests live beside it in NAME.wsflow.test.yaml');
    return test;
  }

  async read(flowPath: string | undefined): Promise<FlowTestsInfo> {
    const path = this.testPath(flowPath);
    const file = await this.folder.read(path).catch(() => undefined);
    if (!file) return { path, exists: false, text: '', tests: [], problems: [] };
    return this.describe(file.rel, file.text);
  }

  async record(flowPath: string | undefined, test: RecordedTest): Promise<FlowTestsInfo & { name: string }> {
    const path = this.testPath(flowPath);
    if (!test || typeof test.name !== 'string' || !test.name.trim() || !Array.isArray(test.steps) || !Array.isArray(test.clients)) {
      throw studioError('WSF_STUDIO_BAD_REQUEST', 'a recorded test needs a name, clients and steps');
    }
    if (test.steps.length === 0) throw studioError('WSF_STUDIO_TESTS_EMPTY', 'nothing to record yet: connect a test client and send a message first');
    const existing = await this.folder.read(path).catch(() => undefined);
    const { text, name } = appendRecordedTest(existing?.text, test);
    const saved = await this.folder.write(path, text, { overwrite: true });
    return { ...this.describe(saved.rel, text), name };
  }

  async run(flowPath: string | undefined, names: string[] | undefined): Promise<{ results: FlowTestRun[]; problems: FlowTestsInfo['problems'] }> {
    const url = this.runner.url;
    if (!url) throw studioError('WSF_STUDIO_NOT_RUNNING', 'start the flow before running its tests');
    const info = await this.read(flowPath);
    if (!info.exists) throw studioError('WSF_STUDIO_TESTS_NONE', `${info.path} does not exist yet: record a test first`);
    const loaded = readTestText(info.text, { file: info.path, env: process.env });
    if (!loaded.suite) return { results: [], problems: loaded.problems };
    const results: FlowTestRun[] = [];
    for (const test of loaded.suite.tests) {
      if (names && !names.includes(test.name)) continue;
      // The live run is shared like a deployment: let it finish the previous test's closes.
      if (results.length > 0 && loaded.suite.settleMs > 0) await new Promise((resolve) => setTimeout(resolve, loaded.suite?.settleMs));
      const watch = this.runner.watchNodes();
      const result = await runTest(test, url);
      results.push({ ...result, nodes: watch() });
    }
    return { results, problems: [] };
  }

  /** The named test of the flow's test file, to replay (replay.ts). */
  async find(flowPath: string | undefined, name: string): Promise<FlowTest> {
    const info = await this.read(flowPath);
    const loaded = readTestText(info.text, { file: info.path, env: process.env });
    const test = loaded.suite?.tests.find((t) => t.name === name);
    if (!test) throw studioError('WSF_STUDIO_TESTS_NONE', `${info.path} has no test named ${JSON.stringify(name)}`);
    return test;
  }

  private describe(path: string, text: string): FlowTestsInfo {
    const loaded = readTestText(text, { file: path });
    const tests = loaded.suite?.tests.map((t) => ({ name: t.name, steps: t.steps.map(stepLabel) })) ?? [];
    return { path, exists: true, text, tests, problems: loaded.problems };
  }
}
