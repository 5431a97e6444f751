/**
 * `validate` compiles what `run` compiles (issue 18, finding 6): an incoming message schema that
 * ajv cannot compile fails `wsflow validate` with a located error, and `wsflow run` refuses the
 * flow the same way (exit 2) instead of an internal error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFlowText } from '../../runtime/check/index.ts';
import { WSFLOW_BIN } from '../helpers/cli.ts';

const flowWithSchema = (schema: string, validateIncoming = true) => `wsflow: 1
name: schemas
listener: { port: 9090 }
nodes:
  - { id: up, type: upgrader, basePath: /s }
  - id: svc
    type: service
    validateIncoming: ${validateIncoming}
    messages:
      incoming:
        - name: Chat
          schema: ${schema}
edges:
  - { from: up, to: svc }
`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'wsflow-msgschema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAD: [string, string][] = [
  ['a pattern that is not a regular expression', `{ type: object, properties: { text: { type: string, pattern: "(" } } }`],
  ['a $ref that points nowhere', `{ $ref: "#/nope" }`],
];

describe('incoming message schemas', () => {
  for (const [what, schema] of BAD) {
    it(`validate fails, located, on ${what}`, async () => {
      const { problems } = await validateFlowText(flowWithSchema(schema), 'f.wsflow.yaml', { typecheck: false });
      const errors = problems.filter((p) => p.severity === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'WSF_MESSAGE_SCHEMA_INVALID', nodeId: 'svc', field: 'messages.incoming.0.schema', line: 12, file: 'f.wsflow.yaml' });
      expect(errors[0]?.message).toContain('"Chat"');
    });
  }

  it('a schema that is never compiled (validateIncoming off) is a warning', async () => {
    const { problems } = await validateFlowText(flowWithSchema(BAD[1]![1], false), 'f.wsflow.yaml', { typecheck: false });
    expect(problems.map((p) => `${p.severity} ${p.code}`)).toEqual(['warning WSF_MESSAGE_SCHEMA_INVALID']);
  });

  it('the CLI: validate exits 2 with file:line:col, and run refuses the flow with exit 2 too', () => {
    const file = path.join(dir, 'bad.wsflow.yaml');
    writeFileSync(file, flowWithSchema(BAD[0]![1]));
    const validate = spawnSync(process.execPath, [WSFLOW_BIN, 'validate', file], { encoding: 'utf8', timeout: 60_000 });
    expect(validate.status, validate.stderr + validate.stdout).toBe(2);
    expect(validate.stdout + validate.stderr).toMatch(/bad\.wsflow\.yaml:12:\d+: error \[svc\] .*WSF_MESSAGE_SCHEMA_INVALID/);
    const run = spawnSync(process.execPath, [WSFLOW_BIN, 'run', file, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr + run.stdout).toBe(2);
    expect(run.stdout + run.stderr).toContain('WSF_MESSAGE_SCHEMA_INVALID');
    expect(run.stdout + run.stderr).not.toContain('internal error');
  });
});
