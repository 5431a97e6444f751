/** `wsflow export` and `wsflow import` through the real CLI: output, exit codes, located errors. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, WSFLOW_BIN } from '../helpers/cli.ts';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function wsflow(args: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WSFLOW_BIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wsflow ${args.join(' ')} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'wsflow-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('wsflow export', () => {
  const out = join(work, 'echo-export');

  it('writes every artifact and prints each file; a second run refuses to overwrite (exit 2) until --force', async () => {
    const first = await wsflow(['export', 'samples/echo.wsflow.yaml', '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const printed = first.stdout.trim().split('\n');
    for (const name of ['server.mjs', 'handler-host.mjs', 'Dockerfile', '.dockerignore', 'docker-compose.yml', 'k8s/echo.yaml', '.choreo/component.yaml', 'asyncapi.yaml', 'README.md', 'package.json']) {
      expect(printed).toContain(`wrote ${join(out, name)}`);
      expect(existsSync(join(out, name))).toBe(true);
    }
    const before = readFileSync(join(out, 'asyncapi.yaml'), 'utf8');
    writeFileSync(join(out, 'asyncapi.yaml'), 'changed by hand\n');
    const again = await wsflow(['export', 'samples/echo.wsflow.yaml', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('use --force to overwrite');
    expect(again.stderr).toContain('  asyncapi.yaml');
    expect(again.stderr).toContain('  server.mjs');
    expect(readFileSync(join(out, 'asyncapi.yaml'), 'utf8')).toBe('changed by hand\n');
    const forced = await wsflow(['export', 'samples/echo.wsflow.yaml', '--out', out, '--force', '--asyncapi', '3.0']);
    expect(forced.code).toBe(0);
    const now = readFileSync(join(out, 'asyncapi.yaml'), 'utf8');
    expect(now).not.toBe(before);
    expect(now).toContain('asyncapi: 3.0.0');
  }, 120_000);

  it('a flow that breaks a Choreo rule gets a located error naming the field, exit 2, nothing written', async () => {
    const flow = readFileSync(join(REPO_ROOT, 'samples/echo.wsflow.yaml'), 'utf8').replace('port: 8080', 'port: 80');
    const file = join(work, 'low-port.wsflow.yaml');
    writeFileSync(file, flow);
    const line = flow.split('\n').findIndex((l) => l.includes('port: 80')) + 1;
    const target = join(work, 'low-port-out');
    const result = await wsflow(['export', file, '--out', target]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:${line}:`);
    expect(result.stderr).toContain("listener.port: 80 is outside Choreo's 1001-65534 range (WSF_EXPORT_CHOREO_RULE)");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  it('an invalid flow is reported like validate does (exit 2), and a bad --asyncapi is bad input', async () => {
    const file = join(work, 'bad.wsflow.yaml');
    writeFileSync(file, 'wsflow: 1\nname: bad\nlistener: { port: 9000 }\nnodes: []\nedges: [{ from: a, to: b }]\n');
    const result = await wsflow(['export', file, '--out', join(work, 'bad-out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: error`));
    expect(existsSync(join(work, 'bad-out'))).toBe(false);
    const version = await wsflow(['export', 'samples/echo.wsflow.yaml', '--out', join(work, 'v-out'), '--asyncapi', '4']);
    expect(version.code).toBe(2);
    expect(version.stderr).toContain('--asyncapi 4: choose 2.6 or 3.0');
  }, 60_000);
});

describe('wsflow import', () => {
  it('writes a flow that `wsflow validate` accepts; refuses to overwrite without --force', async () => {
    const out = join(work, 'apim.wsflow.yaml');
    const result = await wsflow(['import', 'test/import/fixtures/apim-websocket.yaml', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`wrote ${out} (2 upgrader(s)`);
    const validate = await wsflow(['validate', out]);
    expect(validate.stderr + validate.stdout).not.toContain('error');
    expect(validate.code).toBe(0);
    const again = await wsflow(['import', 'test/import/fixtures/apim-websocket.yaml', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect((await wsflow(['import', 'test/import/fixtures/apim-websocket.yaml', '--out', out, '--force'])).code).toBe(0);
  }, 120_000);

  it('parser errors are printed with file:line:col, exit 2', async () => {
    const result = await wsflow(['import', 'test/import/fixtures/broken.yaml', '--out', join(work, 'broken.wsflow.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^test\/import\/fixtures\/broken\.yaml:\d+:\d+: error /m);
    expect(existsSync(join(work, 'broken.wsflow.yaml'))).toBe(false);
  }, 60_000);
});
