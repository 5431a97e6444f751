/**
 * The studio's environment through its protocol: whether each variable is set (never its value),
 * session values kept in memory and used by the next Run (connectors and `ctx.env` alike), Run
 * refusing an unset variable by name, node and field before any client connects, `--env-file`
 * under the real environment, and `wsflow studio --env-file` on the command line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { studio } from '../../runtime/cli/commands/studio.ts';
import { CliError } from '../../runtime/cli/errors.ts';
import { startStudio, type StudioHandle } from '../../runtime/studio/server.ts';
import { WSFLOW_BIN, REPO_ROOT } from '../helpers/cli.ts';
import { ApiClient } from '../helpers/studio-api.ts';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { TestClient } from '../helpers/ws-client.ts';

const PROXY = readFileSync(path.join(REPO_ROOT, 'samples/ws-proxy.wsflow.yaml'), 'utf8');
const GREETER = `wsflow: 1
name: greeter
listener: { port: 9999 }
nodes:
  - id: up
    type: upgrader
    basePath: /hello
  - id: svc
    type: service
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send(String(ctx.env.GREETING ?? 'no greeting') + ' ' + text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

/** An environment without the variables these tests set, whatever the machine running them has. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  for (const name of ['BACKEND_URL', 'GREETING']) if (!(name in extra)) delete env[name];
  return env;
}

let dir: string;
let backend: TestBackend;
const opened: { studio: StudioHandle; api: ApiClient }[] = [];

async function open(options: Parameters<typeof startStudio>[0] = {}): Promise<ApiClient> {
  const studio = await startStudio({ port: 0, root: dir, env: cleanEnv(), ...options });
  const api = await ApiClient.connect(studio);
  opened.push({ studio, api });
  return api;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsflow-env-'));
  writeFileSync(path.join(dir, 'ws-proxy.wsflow.yaml'), PROXY);
  backend = await startBackend();
});

afterEach(async () => {
  for (const { studio, api } of opened.splice(0)) {
    api.socket.close();
    await studio.close();
  }
  backend.reset();
});

afterAll(async () => {
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the studio environment', () => {
  it('says whether a variable is set, never its value, and keeps session values out of the file', async () => {
    const api = await open();
    expect(await api.call('envStatus', { names: ['BACKEND_URL'] })).toEqual({ vars: [{ name: 'BACKEND_URL', set: false }] });
    const secret = `${backend.url}/?k=s3cr3t`;
    expect(await api.call('envSet', { name: 'BACKEND_URL', value: secret })).toEqual({ name: 'BACKEND_URL', set: true, source: 'session' });
    const status = await api.call('envStatus', { names: ['BACKEND_URL', 'BACKEND_URL'] });
    expect(status).toEqual({ vars: [{ name: 'BACKEND_URL', set: true, source: 'session' }] });
    expect(JSON.stringify(status)).not.toContain('s3cr3t');
    // A second window of the same studio sees it too: it is the studio's session, not the page's.
    const other = await ApiClient.connect(opened[0]!.studio);
    expect((await other.call('envStatus', { names: ['BACKEND_URL'] })).vars[0]?.set).toBe(true);
    other.socket.close();
    // An empty value forgets it.
    expect(await api.call('envSet', { name: 'BACKEND_URL', value: '' })).toEqual({ name: 'BACKEND_URL', set: false });
    expect(readFileSync(path.join(dir, 'ws-proxy.wsflow.yaml'), 'utf8')).toBe(PROXY);
  });

  it('refuses a bad name or value with a clear message', async () => {
    const api = await open();
    await expect(api.call('envSet', { name: '1BAD', value: 'x' })).rejects.toMatchObject({ code: 'WSF_STUDIO_BAD_REQUEST', message: expect.stringContaining('"1BAD" is not a variable name') });
    await expect(api.call('envSet', { name: 'A', value: 'x'.repeat(70_000) })).rejects.toMatchObject({ code: 'WSF_STUDIO_BAD_REQUEST', message: expect.stringContaining('at most 65536') });
    await expect(api.call('envStatus', { names: 'A' as unknown as string[] })).rejects.toMatchObject({ code: 'WSF_STUDIO_BAD_REQUEST' });
  });

  it('warns in validate, refuses Run naming the variable, node and field, and runs once it is set for the session', async () => {
    const api = await open();
    const unset = await api.call('validate', { text: PROXY, path: 'ws-proxy.wsflow.yaml', typecheck: false });
    expect(unset.problems.map((p) => [p.severity, p.code, p.nodeId, p.field])).toEqual([['warning', 'WSF_ENV_UNSET', 'backend', 'url']]);

    const refused = await api.call('start', { text: PROXY, path: 'ws-proxy.wsflow.yaml', port: 0 }).then(
      () => undefined,
      (error: { code: string; message: string; problems: { code: string; severity: string; nodeId?: string }[] }) => error,
    );
    expect(refused?.code).toBe('WSF_STUDIO_INVALID_FLOW');
    expect(refused?.message).toBe('BACKEND_URL is not set (node backend, field url). Set it in the Environment panel or start the studio with --env-file.');
    expect(refused?.problems.map((p) => [p.severity, p.code, p.nodeId])).toEqual([['error', 'WSF_ENV_UNSET', 'backend']]);

    await api.call('envSet', { name: 'BACKEND_URL', value: backend.url });
    expect((await api.call('validate', { text: PROXY, path: 'ws-proxy.wsflow.yaml', typecheck: false })).problems).toEqual([]);
    const run = await api.call('start', { text: PROXY, path: 'ws-proxy.wsflow.yaml', port: 0 });
    const client = await TestClient.connect(`${run.url}/proxy`);
    await backend.nextConnection();
    client.send('through the backend');
    expect(await client.nextText()).toBe('through the backend');
    client.socket.close();
    await api.call('stop', {});
  });

  it('hands session values to snippets as ctx.env, and checks a reload against the run’s environment', async () => {
    const api = await open();
    await api.call('envSet', { name: 'GREETING', value: 'hello from the session' });
    const run = await api.call('start', { text: GREETER, path: 'greeter.wsflow.yaml', port: 0 });
    const client = await TestClient.connect(`${run.url}/hello`);
    client.send('bob');
    expect(await client.nextText()).toBe('hello from the session bob');
    // A reload that adds a backend whose variable is unset is not applied (it would close clients with 1011).
    const withBackend = `${GREETER.replace('edges:', `  - id: backend
    type: wsBackend
    url: \${env.BACKEND_URL}
edges:`)}  - { from: svc, to: backend }
`;
    const reload = await api.call('reload', { text: withBackend, path: 'greeter.wsflow.yaml' });
    expect(reload.applied).toBe(false);
    expect(reload.problems.map((p) => [p.code, p.nodeId, p.field])).toEqual([['WSF_ENV_UNSET', 'backend', 'url']]);
    client.send('still here');
    expect(await client.nextText()).toBe('hello from the session still here');
    client.socket.close();
    await api.call('stop', {});
  });

  it('reads --env-file under the real environment, as wsflow run does', async () => {
    const dead = 'ws://127.0.0.1:9/nothing-listens-here';
    const api = await open({
      env: cleanEnv({ BACKEND_URL: backend.url }),
      envFile: { path: 'dev.env', values: { BACKEND_URL: dead, GREETING: 'from the file' } },
    });
    expect(await api.call('envStatus', { names: ['BACKEND_URL', 'GREETING', 'OTHER_NAME'] })).toEqual({
      vars: [
        { name: 'BACKEND_URL', set: true, source: 'environment' },
        { name: 'GREETING', set: true, source: 'envFile' },
        { name: 'OTHER_NAME', set: false },
      ],
      envFile: 'dev.env',
    });
    // The run reaches the real environment's backend, not the file's dead address.
    const run = await api.call('start', { text: PROXY, path: 'ws-proxy.wsflow.yaml', port: 0 });
    const client = await TestClient.connect(`${run.url}/proxy`);
    await backend.nextConnection();
    client.send('real env wins');
    expect(await client.nextText()).toBe('real env wins');
    client.socket.close();
    await api.call('stop', {});
  });
});

describe('wsflow studio --env-file', () => {
  /** Runs the CLI until it prints the studio URL (then stops it) or exits; returns what it printed. */
  function studioCli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; out: string; url?: string; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [WSFLOW_BIN, 'studio', '--port', '0', '--no-open', ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`wsflow studio printed no URL within 60 s:\n${out}`));
      }, 60_000);
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      };
      const onData = (d: Buffer) => {
        out += d.toString();
        const url = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve({ code: null, out, url, stop });
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, out, stop });
      });
    });
  }

  it('refuses a missing file with a located message and exit code 2', async () => {
    // In-process: Node itself reads a script's `--env-file` argument and exits 9 with
    // "node: F: not found" before wsflow runs when F is missing (nodejs/node#54232), so the
    // child process would only show Node's message.
    const error = await studio(path.join(dir, 'ws-proxy.wsflow.yaml'), { port: '0', open: false, envFile: path.join(dir, 'missing.env') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(`--env-file ${path.join(dir, 'missing.env')}: file not found`);
    expect((error as CliError).exitCode).toBe(2);
  });

  it('serves the designer with the file’s variables', async () => {
    writeFileSync(path.join(dir, 'dev.env'), `# the backend of the proxy\nBACKEND_URL=${backend.url}\n`);
    const result = await studioCli(['--env-file', 'dev.env', 'ws-proxy.wsflow.yaml'], cleanEnv());
    try {
      expect(result.url).toBeDefined();
      const url = new URL(result.url ?? '');
      const api = await ApiClient.connect({ url: result.url ?? '', port: Number(url.port), token: url.searchParams.get('token') ?? '', close: async () => undefined });
      expect(await api.call('envStatus', { names: ['BACKEND_URL'] })).toEqual({ vars: [{ name: 'BACKEND_URL', set: true, source: 'envFile' }], envFile: 'dev.env' });
      expect((await api.call('validate', { text: PROXY, path: 'ws-proxy.wsflow.yaml', typecheck: false })).problems).toEqual([]);
      api.socket.close();
    } finally {
      await result.stop();
    }
  });
});
