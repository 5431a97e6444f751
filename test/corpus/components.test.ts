/**
 * Broken components, run through the real CLI (`node bin/wsflow.mjs validate`), one process for
 * the whole folder. Each flow in components/ ends with `# expect: FILE:LINE:COL CODE message part`
 * lines: FILE is the flow or one of its component files in the same folder, since a problem inside
 * a component is located in the component file.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_CODES } from '../../runtime/model/components.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'test/corpus/components');
const CLI = join(ROOT, 'bin/wsflow.mjs');
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
const rel = (file: string) => relative(ROOT, file);
const flows = readdirSync(DIR).filter((f) => f.endsWith('.wsflow.yaml')).sort().map((f) => join(DIR, f));

interface Expectation {
  file: string;
  line: number;
  col: number;
  code: string;
  text: string;
}

function expectationsOf(flow: string): Expectation[] {
  const found: Expectation[] = [];
  for (const m of readFileSync(flow, 'utf8').matchAll(/^# expect: ([^:]+):(\d+):(\d+) (WSF_[A-Z_]+) (.+)$/gm)) {
    found.push({ file: rel(join(DIR, m[1] as string)), line: Number(m[2]), col: Number(m[3]), code: m[4] as string, text: (m[5] as string).trim() });
  }
  return found;
}

function validate(files: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'validate', ...files], { cwd: ROOT, timeout: 120_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('broken components', () => {
  let run: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    run = await validate(flows.map(rel));
  }, 180_000);

  it('has at least 10 cases covering every component code', () => {
    expect(flows.length).toBeGreaterThanOrEqual(10);
    const codes = new Set(flows.flatMap((f) => expectationsOf(f).map((e) => e.code)));
    for (const f of flows) expect(expectationsOf(f).length, rel(f)).toBeGreaterThan(0);
    expect(Object.values(COMPONENT_CODES).filter((c) => !codes.has(c))).toEqual([]);
  });

  it('exits 2 without a stack trace, and lists no case as valid', () => {
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
    expect(run.stderr).toBe('');
    for (const f of flows) expect(run.stdout).not.toContain(`${rel(f)}: valid`);
  });

  it.each(flows.map((f) => [rel(f), f]))('%s produces its located messages', (_name, flow) => {
    const lines = run.stdout.split('\n');
    for (const e of expectationsOf(flow)) {
      const prefix = `${e.file}:${e.line}:${e.col}: error `;
      const hit = lines.find((l) => l.startsWith(prefix) && l.includes(e.text) && l.endsWith(`(${e.code})`));
      expect(hit, `${prefix}${e.code} ${e.text}\n--- output:\n${run.stdout}`).toBeDefined();
    }
  });

  it('names the using node in every problem located in a component file', () => {
    const inComponents = run.stdout.split('\n').filter((l) => /\.wsflow-component\.yaml:\d+:\d+: error /.test(l));
    expect(inComponents.length).toBeGreaterThan(10);
    for (const line of inComponents) expect(line).toMatch(/used by '[^']+'/);
  });

  it('exits 2 for one broken case on its own', async () => {
    const single = await validate([rel(join(DIR, 'type-error.wsflow.yaml'))]);
    expect(single.code).toBe(2);
    expect(single.stdout).toContain('test/corpus/components/type-error.wsflow-component.yaml:7:40: error [use/first]');
  }, 120_000);
});
