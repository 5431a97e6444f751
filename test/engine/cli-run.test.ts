import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execCli, runFlow, WSFLOW_BIN } from '../helpers/cli.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const FLOW = `wsflow: 1
name: cli-echo
listener: { port: 9999 }
nodes:
  - { id: up, type: upgrader, basePath: /chat }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'fail') {
          throw new Error('failing on purpose');
        }
        ctx.log.info('got', text);
        conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsflow-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `wsflow run` that is expected to refuse to start: its exit code and stderr. */
function runRefused(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [WSFLOW_BIN, 'run', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('wsflow run', () => {
  it('prints one line with the URL, serves, reports snippet errors, and stops on SIGTERM with 1001', async () => {
    const file = join(dir, 'echo.wsflow.yaml');
    await writeFile(file, FLOW);
    const cli = await runFlow(file);
    const urlLines = () => cli.output().split('\n').filter((l) => l.includes('ws://'));
    expect(urlLines()[0]).toContain('/chat');
    const c = await TestClient.connect(`${cli.url}/chat`);
    c.send('hi');
    expect(await c.next()).toBe('hi');
    c.send('fail');
    c.send('after');
    expect(await c.next()).toBe('after');
    await waitFor('the failure on stderr', () => cli.output().includes('failing on purpose'), 5000);
    expect(cli.output()).toMatch(/^on-text:3: failing on purpose/m);
    expect(cli.output()).toContain('[on-text] got hi');
    const exitCode = cli.stop();
    expect((await c.closed).code).toBe(1001);
    expect(await exitCode).toBe(0);
    expect(urlLines()).toHaveLength(1);
  });

  it('exits 2 with located problems for a broken flow, and for a bad --port', async () => {
    const file = join(dir, 'broken.wsflow.yaml');
    await writeFile(file, 'wsflow: 1\nname: broken\nlistener: { port: 70000 }\nnodes: []\nedges: []\n');
    const broken = runRefused([file, '--port', '0']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain(`${file}:3`);
    const bad = runRefused([file, '--port', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer');
  });

  it('run and studio read --port the same way: decimal 0..65535 only (no 0x50, 1e3 or -1)', async () => {
    const file = join(dir, 'ports.wsflow.yaml');
    await writeFile(file, FLOW);
    // Eight CLI starts: concurrently, since each one's cost is starting Node and the CLI, not the check.
    const cases = ['0x50', '1e3', '-1', '65536'].flatMap((port) => [
      { port, args: ['run', file, '--port', port] },
      { port, args: ['studio', '--port', port, file] },
    ]);
    const results = await Promise.all(cases.map((c) => execCli(c.args, { timeoutMs: 120_000 })));
    results.forEach((refused, i) => {
      const { port, args } = cases[i]!;
      expect(refused.code, `${args.join(' ')}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`--port must be an integer from 0 to 65535 (decimal; 0 picks a free port), got "${port}"`);
    });
  }, 180_000);
});
