/**
 * The engine on the ring hop (`WSFLOW_HOP=ring`, runtime/engine/host/ring.ts): the hot batches
 * really take the shared rings, a connection's events keep their order across the two paths
 * (its open goes by postMessage, its texts by the ring), and a stuck handler host is still
 * replaced by the watchdog and a hot reload still applies, with the ring of the new worker.
 * The other engine test files run on the ring too with `WSFLOW_HOP=ring` in the environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { compileFlow } from '../../runtime/engine/index.ts';
import { ringTraffic } from '../../runtime/engine/host/ring.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { flowFrom, start } from './helpers.ts';

const flowYaml = (prefix: string) => `
wsflow: 1
name: hop
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /h }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection) {
        conn.send('open');
      }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        if (text === 'spin') for (;;) {}
        conn.send('${prefix}' + text);
      }
  - id: on-binary
    type: onBinary
    code: |
      export default function onBinary(conn: Connection, data: Uint8Array) {
        conn.send(data.slice().reverse());
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
  - { from: svc, to: on-binary }
`;

let flow: RunningFlow;
const hopBefore = process.env.WSFLOW_HOP;
beforeAll(async () => {
  // Read when a handler host starts (worker-handle.ts): every worker of this flow uses the ring.
  process.env.WSFLOW_HOP = 'ring';
  flow = await start(flowYaml('echo '), { handlerBudgetMs: 300 });
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
  if (hopBefore === undefined) delete process.env.WSFLOW_HOP;
  else process.env.WSFLOW_HOP = hopBefore;
});

describe('the engine on the ring hop', () => {
  it('keeps each connection in order (open by postMessage, texts by the ring) and the hot batches take the ring', async () => {
    const before = { ...ringTraffic };
    const clients = await Promise.all(Array.from({ length: 8 }, () => TestClient.connect(`${flow.url}/h`)));
    // The first client's texts go right away (they may share a batch with a later client's open,
    // and such a batch is posted whole); the others' once their open was answered (a batch of
    // texts alone, which takes the ring).
    const N = 60;
    const sendAll = (c: TestClient, k: number) => {
      for (let i = 0; i < N; i++) c.send(`${k}.${i} ✓`);
      c.send(Buffer.from([k, 1, 2]));
    };
    sendAll(clients[0] as TestClient, 0);
    for (const [k, c] of clients.entries()) {
      expect(await c.nextText()).toBe('open');
      if (k > 0) sendAll(c, k);
    }
    for (const [k, c] of clients.entries()) {
      for (let i = 0; i < N; i++) expect(await c.nextText()).toBe(`echo ${k}.${i} ✓`);
      expect(await c.next()).toEqual(Buffer.from([2, 1, k]));
    }
    // Both ways: events towards the host, replies towards the engine (this thread's counters).
    expect(ringTraffic.written).toBeGreaterThan(before.written);
    expect(ringTraffic.read).toBeGreaterThan(before.read);
    for (const c of clients) await c.close();
  });

  it('replaces a stuck handler host and goes on over the new worker’s ring; a hot reload applies', async () => {
    const stuck = await TestClient.connect(`${flow.url}/h`);
    const other = await TestClient.connect(`${flow.url}/h`);
    expect(await stuck.nextText()).toBe('open');
    expect(await other.nextText()).toBe('open');
    stuck.send('spin');
    // The watchdog closes the culprit's connection when it replaces the worker.
    await stuck.waitClosed();
    const before = ringTraffic.read;
    other.send('still here');
    expect(await other.nextText()).toBe('echo still here');
    expect(ringTraffic.read).toBeGreaterThan(before);

    await flow.reload(await compileFlow(flowFrom(flowYaml('v2 '))));
    await waitFor('the reloaded handler', async () => {
      other.send('ping');
      return (await other.nextText()) === 'v2 ping';
    });
    await other.close();
  });
});
