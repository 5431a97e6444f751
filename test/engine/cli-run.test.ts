import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from './helpers.ts';

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

interface Cli {
  child: ChildProcess;
  stdout: string[];
  stderr: () => string;
  exit: Promise<number | null>;
  line: Promise<string>;
}

function runCli(args: string[]): Cli {
  const child = spawn(process.execPath, ['bin/wsflow.mjs', 'run', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  let err = '';
  let resolveLine: (l: string) => void = () => {};
  const line = new Promise<string>((r) => (resolveLine = r));
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      stdout.push(l);
      resolveLine(l);
    }
  });
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout, stderr: () => err, exit, line };
}

describe('wsflow run', () => {
  it('prints one line with the URL, serves, reports snippet errors, and stops on SIGTERM with 1001', async () => {
    const file = join(dir, 'echo.wsflow.yaml');
    await writeFile(file, FLOW);
    const cli = runCli([file, '--port', '0']);
    const line = await Promise.race([cli.line, cli.exit.then((c) => `exited ${c}: ${cli.stderr()}`)]);
    const m = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    expect(m, line).toBeTruthy();
    expect(line).toContain('/chat');
    const c = await connect(`${m?.[0]}/chat`);
    c.ws.send('hi');
    expect(await c.next()).toBe('hi');
    c.ws.send('fail');
    c.ws.send('after');
    expect(await c.next()).toBe('after');
    const deadline = Date.now() + 5000;
    while (!cli.stderr().includes('failing on purpose') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(cli.stderr()).toMatch(/^on-text:3: failing on purpose/m);
    expect(cli.stderr()).toContain('[on-text] got hi');
    cli.child.kill('SIGTERM');
    expect((await c.closed).code).toBe(1001);
    expect(await cli.exit).toBe(0);
    expect(cli.stdout.filter((l) => l.includes('ws://'))).toHaveLength(1);
  });

  it('exits 2 with located problems for a broken flow, and for a bad --port', async () => {
    const file = join(dir, 'broken.wsflow.yaml');
    await writeFile(file, 'wsflow: 1\nname: broken\nlistener: { port: 70000 }\nnodes: []\nedges: []\n');
    const cli = runCli([file, '--port', '0']);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toContain(`${file}:3`);
    const bad = runCli([file, '--port', 'abc']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('--port must be an integer');
  });
});
