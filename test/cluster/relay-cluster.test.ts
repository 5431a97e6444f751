/**
 * Two engine processes of a small relay flow against one Redis: `sendTo` reaches an id on the
 * other instance and nobody else, `connectionCount()` counts both instances while
 * `ctx.connections` stays local, and a stopped instance's connections stop counting.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { TestClient } from '../helpers/ws-client.ts';
import { startInstance, type Instance } from './instances.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

const RELAY = fileURLToPath(new URL('./fixtures/relay.wsflow.yaml', import.meta.url));
let redis: TestRedis;
let a: Instance;
let b: Instance;
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([startInstance(redis.url, RELAY), startInstance(redis.url, RELAY)]);
});

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

async function connect(instance: Instance, name: string): Promise<TestClient> {
  const client = await TestClient.connect(`${instance.url}/relay/${name}`);
  clients.push(client);
  expect(await client.nextText()).toBe('ready');
  return client;
}

async function ask(client: TestClient, question: string): Promise<string> {
  client.send(question);
  return client.nextText();
}

it('sends to an id on the other instance, and counts connections cluster-wide', async () => {
  const ann = await connect(a, 'ann');
  const amy = await connect(a, 'amy');
  const ben = await connect(b, 'ben');

  ann.send('to:ben:psst');
  expect(await ben.nextText()).toBe('ann whispers: psst');
  ben.send('to:amy:hi:there');
  expect(await amy.nextText()).toBe('ben whispers: hi:there');
  expect(await ann.drain(200)).toEqual([]);

  expect(await ask(ann, 'count')).toBe('count 3');
  expect(await ask(ben, 'count')).toBe('count 3');
  expect(await ask(ann, 'here')).toBe('here 2');
  expect(await ask(ben, 'here')).toBe('here 1');

  await amy.close();
  // The close reaches A's adapter right away; poll (bounded) for the count to follow.
  await waitFor('the count to drop to 2', async () => (await ask(ben, 'count')) === 'count 2', 10_000, 50);

  // A stopped instance's connections stop counting at once (it leaves the cluster on stop).
  expect(await a.stop()).toBe(0);
  expect(await ask(ben, 'count')).toBe('count 1');
});
