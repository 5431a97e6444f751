/**
 * The exported chat service (server.mjs, as the Dockerfile runs it) scaled out: two processes with
 * REDIS_URL against one real redis-server share the room. Proves the bundle carries the Redis
 * adapter and that the export's entry selects it from the environment.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportFlow } from '../../runtime/export/index.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { startProcess, type RunningProcess } from '../helpers/cli.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { CHAT_SAMPLE } from './instances.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

let redis: TestRedis;
let outDir: string;
const services: RunningProcess[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  const { flow } = parseFlow(readFileSync(CHAT_SAMPLE, 'utf8'), CHAT_SAMPLE);
  outDir = mkdtempSync(join(tmpdir(), 'wsflow-cluster-export-'));
  await exportFlow(flow!, { outDir });
  redis = await startRedis();
  const start = () =>
    startProcess(process.execPath, ['server.mjs'], {
      cwd: outDir,
      env: { PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url },
      startupMs: 60_000,
    });
  services.push(...(await Promise.all([start(), start()])));
});

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await Promise.all(services.map((s) => s.stop()));
  await redis?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function join2(service: RunningProcess, name: string): Promise<TestClient> {
  const client = await TestClient.connect(`${service.url}/chat/${name}`);
  clients.push(client);
  expect(await client.nextText()).toBe(`Hi ${name}! You have successfully connected to the chat`);
  expect(await client.nextText()).toBe(`${name} connected to chat`);
  return client;
}

it('shares one chat room between two exported service processes', async () => {
  const [a, b] = services as [RunningProcess, RunningProcess];
  const alice = await join2(a, 'alice');
  const bob = await join2(b, 'bob');
  expect(await alice.nextText()).toBe('bob connected to chat');
  alice.send('hello from A');
  expect(await bob.nextText()).toBe('alice: hello from A');
  bob.send('hello from B');
  expect(await alice.nextText()).toBe('alice: hello from A');
  expect(await alice.nextText()).toBe('bob: hello from B');
  // The unique-name check spans both processes.
  const impostor = await TestClient.connect(`${a.url}/chat/bob`);
  clients.push(impostor);
  expect((await impostor.closed).code).toBe(1003);
});
