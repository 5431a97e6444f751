/**
 * One snippet syntax error, worded once: `wsflow validate`, `wsflow run` and the designer's Run
 * (the studio runner) report the same code, message, node and line for the same broken snippet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFlowText } from '../../runtime/check/index.ts';
import { compileChecked, FlowProblemsError } from '../../runtime/studio/runner.ts';
import { execCli } from '../helpers/cli.ts';

const FLOW = `wsflow: 1
name: broken
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /chat }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

const EXPECTED = /^(.*broken\.wsflow\.yaml):12:7: error \[on-text\] Syntax error in the snippet \(line 3\): ',' expected\. \(WSF_SNIPPET_SYNTAX\)$/;

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsflow-wording-'));
  file = join(dir, 'broken.wsflow.yaml');
  await writeFile(file, FLOW);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const errorLines = (text: string) => text.split('\n').filter((l) => l.includes(': error '));

describe('a snippet syntax error', () => {
  it('reads the same from wsflow validate and wsflow run', async () => {
    const validate = await execCli(['validate', file], { timeoutMs: 60_000 });
    const run = await execCli(['run', '--port', '0', file], { timeoutMs: 60_000 });
    expect(validate.code).toBe(2);
    expect(run.code).toBe(2);
    const fromValidate = errorLines(validate.stdout + validate.stderr);
    const fromRun = errorLines(run.stdout + run.stderr);
    expect(fromValidate).toHaveLength(1);
    expect(fromValidate[0]).toMatch(EXPECTED);
    expect(fromRun).toEqual(fromValidate);
  }, 120_000);

  it('reads the same from the designer\'s check and its Run', async () => {
    const { problems } = await validateFlowText(FLOW, file);
    const refusal = await compileChecked(FLOW, file).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(FlowProblemsError);
    const pick = ({ code, message, nodeId, line, col }: { code: string; message: string; nodeId?: string; line?: number; col?: number }) => ({ code, message, nodeId, line, col });
    expect((refusal as FlowProblemsError).problems.map(pick)).toEqual(problems.map(pick));
    expect(problems.map(pick)).toEqual([{ code: 'WSF_SNIPPET_SYNTAX', message: "Syntax error in the snippet (line 3): ',' expected.", nodeId: 'on-text', line: 12, col: 7 }]);
  }, 120_000);
});
