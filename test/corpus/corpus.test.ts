/**
 * The bad-input corpus, run through the real CLI (`node bin/wsflow.mjs validate`). Each file in
 * bad/ names the problems it must produce in `# expect: LINE:COL CODE message part` header lines.
 * To stay fast on a shared machine, one process validates the whole corpus (text and --json) and
 * a handful of single-file runs check exit codes one by one.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CODES } from '../../runtime/model/codes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BAD = join(ROOT, 'test/corpus/bad');
const GOOD = join(ROOT, 'test/corpus/good');
const CLI = join(ROOT, 'bin/wsflow.mjs');
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

interface Expectation {
  line: number;
  col: number;
  code: string;
  text: string;
}
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'validate', ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const rel = (file: string) => relative(ROOT, file);
const badFiles = readdirSync(BAD).filter((f) => f.endsWith('.wsflow.yaml')).sort().map((f) => join(BAD, f));
const goodFiles = readdirSync(GOOD).filter((f) => f.endsWith('.wsflow.yaml')).sort().map((f) => join(GOOD, f));

function expectationsOf(file: string): Expectation[] {
  const found: Expectation[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(/^# expect: (\d+):(\d+) (WSF_[A-Z_]+) (.+)$/gm)) {
    found.push({ line: Number(match[1]), col: Number(match[2]), code: match[3] as string, text: (match[4] as string).trim() });
  }
  return found;
}

/** The output line for one expectation: `file:line:col: error [...] ...text... (CODE)`. */
function findLine(output: string, file: string, e: Expectation): string | undefined {
  const prefix = `${rel(file)}:${e.line}:${e.col}: error `;
  return output.split('\n').find((line) => line.startsWith(prefix) && line.includes(e.text) && line.endsWith(`(${e.code})`));
}

describe('bad corpus', () => {
  let all: Run;
  beforeAll(async () => {
    all = await cli(badFiles.map(rel));
  }, 240_000);

  it('has at least 30 files, each with expectations, covering every rule', () => {
    expect(badFiles.length).toBeGreaterThanOrEqual(30);
    const codes = new Set<string>();
    for (const file of badFiles) {
      const expectations = expectationsOf(file);
      expect(expectations.length, rel(file)).toBeGreaterThan(0);
      for (const e of expectations) codes.add(e.code);
    }
    // Covered elsewhere: file errors (below), warnings (not failures: YAML, and the security
    // warnings in test/security/flow-input.test.ts) and the size and depth bounds, whose files are
    // generated there rather than kept here. The SSRF warning is test/security/ssrf.test.ts's.
    const elsewhere = new Set<string>([
      MODEL_CODES.FILE_NOT_FOUND,
      MODEL_CODES.FILE_UNREADABLE,
      MODEL_CODES.YAML_WARNING,
      MODEL_CODES.AUTH_NO_ORIGINS,
      MODEL_CODES.AUTH_SECRET_INLINE,
      MODEL_CODES.HTTP_URL_FROM_CLIENT,
      MODEL_CODES.DOC_TOO_LARGE,
      MODEL_CODES.DOC_TOO_DEEP,
    ]);
    const missing = Object.values(MODEL_CODES).filter((c) => !elsewhere.has(c) && !codes.has(c));
    expect(missing).toEqual([]);
  });

  it('exits 2 without a stack trace when validating the whole corpus', () => {
    expect(all.code).toBe(2);
    expect(all.stdout + all.stderr).not.toMatch(STACK_FRAME);
    expect(all.stderr).toBe('');
    expect(all.stdout).toMatch(/\d+ errors in \d+ files \(0 of \d+ files valid\)\./);
  });

  it.each(badFiles.map((f) => [rel(f), f]))('%s produces its located messages', (_name, file) => {
    for (const e of expectationsOf(file)) {
      expect(findLine(all.stdout, file, e), `${e.line}:${e.col} ${e.code} ${e.text}\n--- output:\n${all.stdout.split('\n').filter((l) => l.startsWith(rel(file))).join('\n')}`).toBeDefined();
    }
  });

  it('lists no bad file as valid', () => {
    for (const file of badFiles) expect(all.stdout).not.toContain(`${rel(file)}: valid`);
  });

  // One process per file for a sample of kinds (YAML, schema, graph, TypeScript), in parallel.
  it('exits 2 for single bad files of each kind, with the located message', async () => {
    const picks = ['yaml-unclosed-flow-map', 'schema-query-type', 'edge-upgrader-to-handler', 'ts-signature'].map((n) => join(BAD, `${n}.wsflow.yaml`));
    const runs = await Promise.all(picks.map((file) => cli([rel(file)])));
    runs.forEach((run, i) => {
      const file = picks[i] as string;
      expect(run.code, rel(file)).toBe(2);
      expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
      for (const e of expectationsOf(file)) expect(findLine(run.stdout, file, e), `${rel(file)} ${e.code}`).toBeDefined();
    });
  }, 240_000);

  it('exits 2 with a clear message for a missing file or a folder, also in --json', async () => {
    const good = rel(goodFiles[0] as string);
    const bad = rel(join(BAD, 'edge-dangling.wsflow.yaml'));
    const [missing, json] = await Promise.all([
      cli(['test/corpus/no-such-flow.wsflow.yaml']),
      cli(['--json', 'test/corpus/no-such-flow.wsflow.yaml', 'test/corpus', bad, good]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('test/corpus/no-such-flow.wsflow.yaml: error File not found. (WSF_FILE_NOT_FOUND)');
    expect(missing.stdout + missing.stderr + json.stdout + json.stderr).not.toMatch(STACK_FRAME);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout) as { valid: boolean; files: { file: string; valid: boolean; problems: { line?: number; col?: number; code: string; nodeId?: string }[] }[] };
    expect(report.valid).toBe(false);
    expect(report.files.map((f) => [f.file, f.valid, f.problems.map((p) => p.code)])).toEqual([
      ['test/corpus/no-such-flow.wsflow.yaml', false, ['WSF_FILE_NOT_FOUND']],
      ['test/corpus', false, ['WSF_FILE_UNREADABLE']],
      [bad, false, ['WSF_HANDLER_NO_SERVICE', 'WSF_EDGE_DANGLING']],
      [good, true, []],
    ]);
    expect(report.files[2]?.problems[1]).toMatchObject({ line: 21, col: 22, nodeId: 'svc' });
  }, 240_000);
});

describe('good corpus and samples', () => {
  it('validate with exit 0', async () => {
    const samples = readdirSync(join(ROOT, 'samples'))
      .filter((f) => f.endsWith('.wsflow.yaml'))
      .map((f) => join(ROOT, 'samples', f));
    const files = [...goodFiles, ...samples];
    expect(goodFiles.length).toBeGreaterThanOrEqual(4);
    const run = await cli(files.map(rel));
    expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
    for (const file of files) expect(run.stdout).toContain(`${rel(file)}: valid`);
    expect(run.code).toBe(0);
  }, 240_000);
});
