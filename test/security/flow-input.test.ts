/**
 * Flow files are input too: the security fields are validated with located problems and stable
 * codes, `wsflow validate` warns about auth without allowedOrigins, parsing is linear in the
 * number of keys, too-deep nesting and oversized files get their own messages, and a fast-check
 * fuzzer over mutated sample flows never makes the checker throw.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { MAX_FLOW_BYTES } from '../../runtime/model/input-bounds.ts';
import { WSFLOW_BIN } from '../helpers/cli.ts';
import { sampleFiles } from './flows.ts';

const GUARDED = `wsflow: 1
name: guarded
listener: { port: 9000 }
nodes:
  - id: up
    type: upgrader
    basePath: /s
    auth:
      type: jwt
      secret: \${env.JWT_SECRET}
  - id: svc
    type: service
    limits: { messagesPerSecond: 10, burst: 20, maxBufferedBytes: 1048576 }
edges:
  - { from: up, to: svc }
`;

async function problems(text: string) {
  return (await validateFlowText(text, 'f.wsflow.yaml', { typecheck: false })).problems;
}

describe('security fields in validate', () => {
  it('warns (not fails) when an upgrader has auth but no allowedOrigins, located on auth', async () => {
    const ps = await problems(GUARDED);
    expect(ps).toEqual([expect.objectContaining({ severity: 'warning', code: 'WSF_AUTH_NO_ORIGINS', nodeId: 'up', field: 'auth', line: 9 })]);
    expect(await problems(GUARDED.replace('    basePath: /s\n', '    basePath: /s\n    allowedOrigins: [https://app.example.com]\n'))).toEqual([]);
  });

  it('reports inconsistent auth, bad origins, a burst without a rate and an inline secret with their codes', async () => {
    const text = GUARDED.replace('      secret: ${env.JWT_SECRET}', '      secret: hunter2\n      jwksUrl: https://x.example/jwks.json\n      keys: a')
      .replace('    basePath: /s\n', '    basePath: /s\n    allowedOrigins: [https://app.example.com/path]\n')
      .replace('messagesPerSecond: 10, burst: 20', 'burst: 20');
    const codes = (await problems(text)).map((p) => `${p.code}@${p.line}:${p.field}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'WSF_ORIGIN_INVALID@8:allowedOrigins.0',
        'WSF_AUTH_INVALID@12:auth.jwksUrl',
        'WSF_AUTH_INVALID@13:auth.keys',
        'WSF_AUTH_SECRET_INLINE@11:auth.secret',
        'WSF_LIMITS_INVALID@16:limits.burst',
      ]),
    );
  });

  it('reports schema errors inside auth and limits with their location', async () => {
    const text = GUARDED.replace('type: jwt', 'type: oauth').replace('maxBufferedBytes: 1048576', 'maxBufferedBytes: 10');
    const ps = await problems(text);
    expect(ps.find((p) => p.field === 'auth.type')).toMatchObject({ code: 'WSF_SCHEMA', line: 9 });
    expect(ps.find((p) => p.field === 'limits.maxBufferedBytes')).toMatchObject({ code: 'WSF_SCHEMA', line: 13 });
  });

  it('`wsflow validate` prints the warning and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsflow-validate-'));
    try {
      const file = join(dir, 'guarded.wsflow.yaml');
      writeFileSync(file, GUARDED);
      const r = spawnSync(process.execPath, [WSFLOW_BIN, 'validate', file], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/guarded\.wsflow\.yaml:9:\d+: warning \[up\] .*allowedOrigins.*WSF_AUTH_NO_ORIGINS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('big and deep flow files', () => {
  const chat = readFileSync(sampleFiles().find((f) => f.endsWith('/chat.wsflow.yaml')) as string, 'utf8');
  const withKeys = (n: number) => `${chat}extra:\n${Array.from({ length: n }, (_, i) => `  key${i}: value-${i}\n`).join('')}`;
  const cpuMs = (text: string) => {
    const t = process.cpuUsage();
    const parsed = parseFlow(text, 'big.wsflow.yaml');
    const used = process.cpuUsage(t);
    expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
    return (used.user + used.system) / 1000;
  };

  it('parses in time linear in the number of keys (100,000 extra keys, 1.4+ MB)', () => {
    const small = cpuMs(withKeys(12_500));
    const big = cpuMs(withKeys(100_000));
    // 8x the keys: linear is ~8x, the old quadratic check was ~64x. CPU time, not wall time, so a
    // busy machine does not fail it.
    expect(big / small, `12.5k keys ${small.toFixed(0)} ms, 100k keys ${big.toFixed(0)} ms CPU`).toBeLessThan(20);
  }, 300_000);

  it('still reports a duplicate key with its line', () => {
    const ps = parseFlow(`${chat}extra:\n  a: 1\n  b: 2\n  a: 3\n`, 'd.wsflow.yaml').problems;
    const dup = ps.find((p) => p.code === 'WSF_YAML_DUPLICATE_KEY');
    expect(dup?.message).toMatch(/'a' appears twice/);
    expect(dup?.line).toBe(chat.split('\n').length + 3);
  });

  it('reports too-deep nesting as such, with a position, not as a stack overflow', () => {
    for (const deep of [`${chat}deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, `${chat}deep:\n${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n')} 1\n`]) {
      const ps = parseFlow(deep, 'deep.wsflow.yaml').problems;
      expect(ps).toEqual([expect.objectContaining({ code: 'WSF_DOC_TOO_DEEP', line: expect.any(Number) })]);
      expect(ps[0]?.message).toMatch(/nested too deeply/);
      expect(ps[0]?.message).not.toMatch(/call stack/);
    }
  });

  it('refuses a file over the size limit with a clear message', () => {
    const ps = parseFlow(`${chat}#${'x'.repeat(MAX_FLOW_BYTES)}\n`, 'huge.wsflow.yaml').problems;
    expect(ps).toEqual([expect.objectContaining({ code: 'WSF_DOC_TOO_LARGE', line: 1 })]);
    expect(ps[0]?.message).toMatch(/limited to 4 MiB/);
  });
});

describe('fuzzing flow documents (fast-check)', () => {
  const samples = sampleFiles().map((f) => readFileSync(f, 'utf8'));
  const junk = fc.oneof(fc.string(), fc.constantFrom('{', '[', ']', '}', ': ', '- ', '&a ', '*a', '!!binary ', '\t', '"', "'", '\n  ', '${env.X}', '\u0000', '#'));

  it('mutated sample flows never make parse + validate throw, and every problem has a code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(samples.length - 1), fc.array(fc.tuple(fc.nat(), junk), { minLength: 1, maxLength: 6 }), async (which, edits) => {
        let text = samples[which] as string;
        for (const [at, piece] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + piece + text.slice(i + (piece.length % 3));
        }
        const result = await validateFlowText(text, 'fuzz.wsflow.yaml', { typecheck: false });
        for (const p of result.problems) {
          expect(p.code).toMatch(/^WSF_[A-Z_]+$/);
          expect(p.message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 150, seed: 12 },
    );
  }, 300_000);
});
