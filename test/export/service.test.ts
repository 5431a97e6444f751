/**
 * The exported standalone service, started as its Dockerfile's CMD would start it (export folder,
 * no node_modules, PORT from the environment), talked to by real ws clients; and its HEALTHCHECK
 * command run for real against it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/net.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { containerEnv, exportToTemp, nodeModulesAbove, removeExport, startExported } from './exported.ts';
import { loadSample, variant } from './fixtures.ts';

/** The HEALTHCHECK's exec-form command from the Dockerfile. */
function healthcheck(dir: string): string[] {
  const line = readFileSync(join(dir, 'Dockerfile'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith('HEALTHCHECK '));
  if (!line) throw new Error('no HEALTHCHECK');
  return JSON.parse(line.slice(line.indexOf(' CMD ') + 5)) as string[];
}

describe('exported service (chat sample)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await exportToTemp(loadSample('chat'), 'service');
  }, 60_000);
  afterAll(() => removeExport(dir));

  it('is a folder with no node_modules in it or above it', () => {
    expect(nodeModulesAbove(dir)).toEqual([]);
    const entries = readdirSync(dir);
    expect(entries).not.toContain('node_modules');
    for (const name of ['.choreo', '.dockerignore', 'Dockerfile', 'README.md', 'asyncapi.yaml', 'docker-compose.yml', 'handler-host.mjs', 'k8s', 'package.json', 'server.mjs']) {
      expect(entries).toContain(name);
    }
  });

  it('serves the flow on PORT, answers /healthz (the HEALTHCHECK passes), closes clients with 1001 on SIGTERM and exits 0', async () => {
    const port = await freePort();
    const service = await startExported(dir, { PORT: String(port) });
    try {
      expect(service.port).toBe(port);
      const alice = await TestClient.connect(`${service.url}/chat/alice?age=7`);
      expect(await alice.nextText()).toBe('Hi alice! You have successfully connected to the chat');
      expect(await alice.nextText()).toBe('alice with age 7 connected to chat');
      alice.send('hello ✓');
      expect(await alice.nextText()).toBe('alice: hello ✓');

      const [command, ...args] = healthcheck(dir);
      expect(command).toBe('node');
      const ok = spawnSync(process.execPath, args, { cwd: dir, env: containerEnv({ PORT: String(port) }), timeout: 10_000 });
      expect(ok.status).toBe(0);
      const down = spawnSync(process.execPath, args, { cwd: dir, env: containerEnv({ PORT: String(await freePort()) }), timeout: 10_000 });
      expect(down.status).toBe(1);

      const closed = alice.closed;
      expect(await service.stop()).toBe(0);
      expect((await closed).code).toBe(1001);
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('a declared query type is enforced exactly as in the live engine (HTTP 400)', async () => {
    const service = await startExported(dir);
    try {
      const refused = await TestClient.connect(`${service.url}/chat/bob?age=old`).then(
        () => undefined,
        (error: { status?: number }) => error.status,
      );
      expect(refused).toBe(400);
    } finally {
      await service.stop();
    }
  }, 30_000);

  it('a bad PORT is refused with a clear message and exit code 2', async () => {
    await expect(startExported(dir, { PORT: 'eighty' })).rejects.toThrow(/exited with 2[\s\S]*PORT=eighty is not a port number/);
  }, 30_000);
});

describe('exported service settings from the environment', () => {
  let dir = '';
  beforeAll(async () => {
    // A handler that needs ~600 ms of CPU: over the flow's 300 ms budget, under a 3000 ms one.
    const slowEcho = variant('echo', (f) => {
      f.settings = { handlerBudgetMs: 300 };
      const onText = f.nodes.find((n) => n.id === 'on-text') as { code: string };
      onText.code = [
        'export default function onText(conn: Connection, text: string) {',
        '  const end = Date.now() + 600;',
        '  while (Date.now() < end) { /* busy */ }',
        '  conn.send(text);',
        '}',
        '',
      ].join('\n');
    });
    dir = await exportToTemp(slowEcho, 'settings');
  }, 60_000);
  afterAll(() => removeExport(dir));

  it('the flow value is the default: a 600 ms handler is stopped by the 300 ms budget', async () => {
    const service = await startExported(dir);
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('slow');
      expect(await client.drain(2000)).toEqual([]);
    } finally {
      await service.stop();
    }
  }, 30_000);

  it('WSFLOW_HANDLER_BUDGET_MS overrides it, and a bad value is refused', async () => {
    await expect(startExported(dir, { WSFLOW_HANDLER_BUDGET_MS: 'soon' })).rejects.toThrow(/WSFLOW_HANDLER_BUDGET_MS=soon is not a number/);
    const service = await startExported(dir, { WSFLOW_HANDLER_BUDGET_MS: '3000' });
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('slow');
      expect(await client.nextText()).toBe('slow');
    } finally {
      await service.stop();
    }
  }, 30_000);
});

describe('exported service logs', () => {
  let dir = '';
  beforeAll(async () => {
    const logging = variant('echo', (f) => {
      (f.nodes.find((n) => n.id === 'on-text') as { code: string }).code = [
        'export default function onText(conn: Connection, text: string, ctx: ServiceContext) {',
        '  ctx.log.info(`got ${text}`);',
        "  if (text === 'boom') throw new Error('kaboom');",
        '  conn.send(text);',
        '}',
        '',
      ].join('\n');
    });
    dir = await exportToTemp(logging, 'logs');
  }, 60_000);
  afterAll(() => removeExport(dir));

  it('prints ctx.log lines and snippet failures as JSON lines with the node id, and keeps serving', async () => {
    const service = await startExported(dir);
    try {
      const client = await TestClient.connect(`${service.url}/chat`);
      client.send('boom');
      client.send('hi');
      expect(await client.nextText()).toBe('hi');
      await waitFor('the log line', () => service.output().includes('"message":"got hi"'), 5000);
      const lines = service
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', nodeId: 'on-text', message: 'got hi' }));
      expect(lines).toContainEqual(expect.objectContaining({ level: 'error', nodeId: 'on-text', code: 'WSF_SNIPPET_THROW' }));
    } finally {
      await service.stop();
    }
  }, 30_000);
});
