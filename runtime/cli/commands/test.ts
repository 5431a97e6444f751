/**
 * `wsflow test FILE [--grep RE] [--url ws://host:port] [--reporter text|junit] [--out F]`.
 * FILE is a flow (`X.wsflow.yaml`: its tests are `X.wsflow.test.yaml` beside it) or a test file
 * (`*.test.yaml`: its flow is `flow:` in the file, else the same name without `.test`). Without
 * --url the flow is started on a free port of 127.0.0.1 exactly as `wsflow run` starts it; with
 * --url the tests run against that service and the flow is not needed. Exit 0 all passed,
 * 1 a test failed, 2 bad input (test file, flow or arguments).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { formatProblem, hasErrors } from '../../check/index.ts';
import type { TraceEvent } from '../../engine/contracts.ts';
import { FLOWTEST_CODES as C } from '../../flowtest/codes.ts';
import { FLOW_SUFFIX, loadTestFile, TEST_SUFFIX } from '../../flowtest/load.ts';
import { junitXml } from '../../flowtest/report-junit.ts';
import { formatSummary, formatTestResult } from '../../flowtest/report-text.ts';
import { runSuite, selectTests, type RunOptions, type TestTarget } from '../../flowtest/runner.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from '../errors.ts';
import { describeEvent, startFlowFile } from './run.ts';

export interface TestOptions {
  grep?: string;
  url?: string;
  reporter?: string;
  out?: string;
  budget?: string;
}

/** The test file and the flow for FILE (see the header). */
export function resolveTestFiles(file: string): { testFile: string; flowFile?: string } {
  if (/\.test\.ya?ml$/.test(file)) return { testFile: file };
  if (file.endsWith(FLOW_SUFFIX)) return { testFile: file.slice(0, -FLOW_SUFFIX.length) + TEST_SUFFIX, flowFile: file };
  throw new CliError(`${file}: give a flow (NAME${FLOW_SUFFIX}) or its tests (NAME${TEST_SUFFIX})`, EXIT_BAD_INPUT);
}

function parseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url must be a WebSocket URL like ws://127.0.0.1:9090, got "${url}"`, EXIT_BAD_INPUT);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new CliError(`--url must start with ws:// or wss://, got "${url}"`, EXIT_BAD_INPUT);
  if (parsed.search || parsed.hash) throw new CliError(`--url takes no query or fragment (clients set their own), got "${url}"`, EXIT_BAD_INPUT);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
}

function parseGrep(grep: string | undefined): RegExp | undefined {
  if (grep === undefined) return undefined;
  try {
    return new RegExp(grep, 'u');
  } catch (error) {
    throw new CliError(`--grep is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`, EXIT_BAD_INPUT);
  }
}

export async function testCommand(file: string, options: TestOptions): Promise<number> {
  const reporter = options.reporter ?? 'text';
  if (reporter !== 'text' && reporter !== 'junit') throw new CliError(`--reporter must be text or junit, got "${reporter}"`, EXIT_BAD_INPUT);
  if (options.out !== undefined && reporter !== 'junit') throw new CliError('--out is for --reporter junit', EXIT_BAD_INPUT);
  const grep = parseGrep(options.grep);
  const baseUrl = options.url === undefined ? undefined : parseUrl(options.url);
  const resolved = resolveTestFiles(file);
  const testFile = resolved.testFile;

  const loaded = await loadTestFile(testFile, process.env);
  for (const p of loaded.problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!loaded.suite || hasErrors(loaded.problems)) {
    if (resolved.flowFile && loaded.problems.some((p) => p.code === C.FILE_NOT_FOUND)) {
      process.stderr.write(`wsflow: ${resolved.flowFile} has no tests yet; write them in ${basename(testFile)} beside it (docs/flow-tests.md) (${C.FILE_NOT_FOUND})\n`);
    }
    return EXIT_BAD_INPUT;
  }
  const suite = loaded.suite;
  const selected = selectTests(suite, grep);
  if (selected.length === 0) throw new CliError(`--grep ${options.grep ?? ''} selects none of the ${suite.tests.length} tests in ${testFile}`, EXIT_BAD_INPUT);

  // Human report: stdout, unless the JUnit XML goes there.
  const say = (line: string) => (reporter === 'junit' && options.out === undefined ? process.stderr : process.stdout).write(`${line}\n`);
  let suiteName = basename(testFile).replace(/\.wsflow\.test\.ya?ml$|\.test\.ya?ml$/, '');
  const serviceLog: string[] = [];
  let target: RunOptions['target'];
  let where: string;
  if (baseUrl !== undefined) {
    target = baseUrl;
    where = baseUrl;
  } else {
    const flowFile = resolved.flowFile ?? (suite.flow ? join(dirname(testFile), suite.flow) : testFile.replace(/\.test(\.ya?ml)$/, '$1'));
    if (!existsSync(flowFile)) {
      process.stderr.write(`${testFile}: error The flow under test, ${flowFile}, does not exist; name it with 'flow:' in the test file, or pass --url to test a running service. (${C.FLOW_NOT_FOUND})\n`);
      return EXIT_BAD_INPUT;
    }
    // A fresh service per test: no state, connection or late broadcast of one test leaks into
    // the next. The first start also validates the flow, so a bad flow is exit 2 before any test.
    const start = async () => {
      const started = await startFlowFile(flowFile, { port: '0', host: '127.0.0.1', budget: options.budget });
      if (typeof started === 'number') return started;
      suiteName = started.flow.name;
      // Snippet logs and failures while a test runs are shown with that test when it fails.
      started.running.subscribe((event: TraceEvent) => serviceLog.push(...describeEvent(event)));
      return { url: started.running.url, stop: () => started.running.stop() };
    };
    const first = await start();
    if (typeof first === 'number') return first;
    let spare: TestTarget | undefined = first;
    target = async () => {
      const ready = spare;
      spare = undefined;
      if (ready) return ready;
      const next = await start();
      if (typeof next === 'number') throw new CliError(`${flowFile} could not be started again`);
      return next;
    };
    where = `${flowFile}, started on 127.0.0.1 for each test`;
  }

  const startedAt = new Date();
  const shown = relative(process.cwd(), resolve(testFile));
  say(`${shown && !shown.startsWith('..') ? shown : testFile}: ${selected.length} test${selected.length === 1 ? '' : 's'} against ${where}`);
  const result = await runSuite(suite, {
    target,
    grep,
    onTestStart: () => serviceLog.splice(0),
    onTestDone: (test) => {
      say(formatTestResult(test, testFile));
      if (test.failure && serviceLog.length > 0) {
        say('        service log during this test:');
        for (const line of serviceLog.slice(-20)) say(`          ${line}`);
      }
    },
  });
  say(formatSummary(result));
  if (reporter === 'junit') {
    const xml = junitXml(result, { suiteName, file: testFile, timestamp: startedAt.toISOString().replace(/\.\d+Z$/, ''), hostname: hostname() });
    if (options.out === undefined) process.stdout.write(xml);
    else {
      await writeFile(options.out, xml, 'utf8');
      say(`JUnit XML written to ${options.out}`);
    }
  }
  return result.tests.some((t) => t.status === 'failed') ? EXIT_FAILURE : EXIT_OK;
}
