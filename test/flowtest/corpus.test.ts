/**
 * The bad test-file corpus, each file through the real CLI (`wsflow test FILE`): exit 2, and every
 * problem named in the file's `# expect: LINE:COL CODE message part` lines printed as
 * `file:line:col: error ... (CODE)`, without a stack trace. A few runs at a time on a shared machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FLOWTEST_CODES } from '../../runtime/flowtest/codes.ts';
import { execCli, REPO_ROOT, type CliRun } from '../helpers/cli.ts';

const DIR = 'test/flowtest/corpus';
const files = readdirSync(join(REPO_ROOT, DIR))
  .filter((f) => f.endsWith('.wsflow.test.yaml'))
  .sort()
  .map((f) => `${DIR}/${f}`);

interface Expectation {
  line: number;
  col: number;
  code: string;
  text: string;
}

function expectationsOf(file: string): Expectation[] {
  return [...readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/^# expect: (\d+):(\d+) (WSF_[A-Z_]+) (.+)$/gm)].map((m) => ({
    line: Number(m[1]),
    col: Number(m[2]),
    code: m[3] as string,
    text: (m[4] as string).trim(),
  }));
}

const runs = new Map<string, CliRun>();

beforeAll(async () => {
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) runs.set(file, await execCli(['test', file], { env: { WSFLOW_CORPUS_UNSET_TOKEN: undefined } }));
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

describe('bad flow test files', () => {
  it('has at least 15 files, and they cover most test-file codes', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    const codes = new Set(files.flatMap((f) => expectationsOf(f).map((e) => e.code)));
    const testCodes = Object.values(FLOWTEST_CODES).filter((c) => !['WSF_TEST_FLOW_NOT_FOUND', 'WSF_TEST_FILE_NOT_FOUND'].includes(c));
    expect(testCodes.filter((c) => !codes.has(c))).toEqual([]);
  });

  for (const file of files) {
    it(`${file} exits 2 with located messages`, () => {
      const run = runs.get(file);
      expect(run).toBeDefined();
      const { code, stdout, stderr } = run as CliRun;
      expect(code, stderr).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).not.toMatch(/^\s+at /m);
      const expectations = expectationsOf(file);
      expect(expectations.length, `${file} has no # expect: lines`).toBeGreaterThan(0);
      for (const e of expectations) {
        const prefix = `${file}:${e.line}:${e.col}: error `;
        const line = stderr.split('\n').find((l) => l.startsWith(prefix) && l.includes(e.text) && l.endsWith(`(${e.code})`));
        expect(line, `expected "${prefix}... ${e.text} ... (${e.code})" in:\n${stderr}`).toBeDefined();
      }
    });
  }
});
