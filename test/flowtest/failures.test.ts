/**
 * `wsflow test` fails the right way: a flow changed to break a test exits 1 naming the test and the
 * step with expected vs received and the connection's trace; the JUnit XML of passing and failing
 * runs validates against the Jenkins junit-10.xsd rules (test/flowtest/fixtures/junit-10.xsd) with
 * xmllint; arguments that make no sense exit 2.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { execCli, REPO_ROOT } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';

const XSD = readFileSync(join(REPO_ROOT, 'test/flowtest/fixtures/junit-10.xsd'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'wsflow-flowtest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function validJunit(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit-10.xsd', contents: XSD }] });
  return result.errors.map((e) => e.rawMessage);
}

describe('wsflow test failures and reports', () => {
  it('exits 1 naming the test and the step when the greeting changes, and writes valid JUnit XML', async () => {
    const flow = readFileSync(join(REPO_ROOT, 'samples/chat.wsflow.yaml'), 'utf8');
    const changed = flow.replace('firstMessage: `Hi ${req.params.name}!', 'firstMessage: `Hello ${req.params.name}!');
    expect(changed).not.toBe(flow);
    writeFileSync(join(work, 'chat.wsflow.yaml'), changed);
    copyFileSync(join(REPO_ROOT, 'samples/chat.wsflow.test.yaml'), join(work, 'chat.wsflow.test.yaml'));
    const out = join(work, 'broken.xml');

    const run = await execCli(['test', join(work, 'chat.wsflow.yaml'), '--reporter', 'junit', '--out', out]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const report = run.stdout;
    expect(report).toContain('✗ greets a new user, then tells everyone who joined and their age');
    expect(report).toMatch(/step 2 expect alice \(.*chat\.wsflow\.test\.yaml:\d+:\d+\): the message does not match/);
    expect(report).toContain('expected: text "Hi alice! You have successfully connected to the chat"');
    expect(report).toContain('received: text "Hello alice! You have successfully connected to the chat"');
    expect(report).toContain('trace of alice:');
    expect(report).toMatch(/<- text "Hello alice!/);
    // Tests that never look at the greeting still pass.
    expect(report).toContain('✓ refuses a wrong age with 400 and a reason, unknown paths with 404');
    expect(report).toMatch(/1 passed, 4 failed/);

    const xml = readFileSync(out, 'utf8');
    expect(await validJunit(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuite name="chat-app" tests="5" failures="4" errors="0"/);
    expect(xml).toContain('<failure message="step 2 expect alice: the message does not match');
  }, 180_000);

  it('writes valid JUnit XML for a passing run (to stdout without --out)', async () => {
    const run = await execCli(['test', 'samples/echo.wsflow.yaml', '--reporter', 'junit', '--grep', 'binary|JSON']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.startsWith('<?xml')).toBe(true);
    expect(await validJunit(run.stdout)).toEqual([]);
    expect(run.stdout).toMatch(/<testsuite name="echo" tests="2" failures="0" errors="0"/);
    expect(run.stderr).toContain('2 passed, 0 failed');
  }, 120_000);

  it('the schema check can fail (a testcase without a name is rejected)', async () => {
    const errors = await validJunit('<?xml version="1.0"?><testsuites><testsuite name="x" tests="1" failures="0" errors="0"><testcase time="1"/></testsuite></testsuites>');
    expect(errors.join('\n')).toMatch(/name/);
  });

  it('reports an unreachable service as an error of each test (exit 1), not a crash', async () => {
    const port = await freePort();
    const run = await execCli(['test', 'samples/echo.wsflow.test.yaml', '--url', `ws://127.0.0.1:${port}`, '--grep', 'JSON', '--reporter', 'junit', '--out', join(work, 'down.xml')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/step 1 connect a .*: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/chat/);
    const xml = readFileSync(join(work, 'down.xml'), 'utf8');
    expect(xml).toContain('errors="1"');
    expect(await validJunit(xml)).toEqual([]);
  }, 120_000);

  it('exits 2 for arguments that make no sense', async () => {
    const runs = await Promise.all([
      execCli(['test', 'samples/echo.wsflow.yaml', '--url', 'http://127.0.0.1:1']),
      execCli(['test', 'samples/echo.wsflow.yaml', '--grep', '(']),
      execCli(['test', 'samples/echo.wsflow.yaml', '--grep', 'no such test']),
      execCli(['test', 'samples/echo.wsflow.yaml', '--reporter', 'tap']),
      execCli(['test', 'README.md']),
      execCli(['test', join(work, 'nothing.wsflow.yaml')]),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(2);
    expect(runs[0]?.stderr).toContain('--url must start with ws:// or wss://');
    expect(runs[1]?.stderr).toContain('--grep is not a valid regular expression');
    expect(runs[2]?.stderr).toContain('selects none of the 4 tests');
    expect(runs[3]?.stderr).toContain('--reporter must be text or junit');
    expect(runs[5]?.stderr).toMatch(/nothing\.wsflow\.test\.yaml: error Test file not found\. \(WSF_TEST_FILE_NOT_FOUND\)/);
    for (const run of runs) expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 180_000);
});
