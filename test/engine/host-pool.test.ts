/**
 * A pool of handler hosts (`settings.handlerHosts`): each connection is served by one host for
 * its whole life (hosts[num % n]), every host mirrors every connection for ctx.connections, and
 * a runaway snippet stalls only its own host's connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';
import { start } from './helpers.ts';

const flow = (hosts: number) => `
wsflow: 1
name: pool
listener: { port: 0 }
settings: { handlerBudgetMs: 1500, handlerHosts: ${hosts} }
nodes:
  - { id: up, type: upgrader, basePath: /p, upgradePath: '/{name}' }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default function onOpen(conn: Connection) {
        conn.attributes.name = conn.params.name;
      }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'spin') for (;;) {}
        else if (text === 'who') conn.send(ctx.connections.map((c) => c.params.name + '=' + String(c.attributes.tag ?? '')).sort().join(','));
        else if (text.startsWith('tag ')) {
          conn.attributes.tag = text.slice(4);
          conn.send('tagged');
        } else conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open, event: onOpen }
  - { from: svc, to: on-text, event: onText }
`;

let running: RunningFlow | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await running?.stop({ drainTimeoutMs: 500 });
  running = undefined;
});

/** Connections open one after the other, so connection k (from 1) is served by host k % hosts. */
async function openAll(names: string[]): Promise<TestClient[]> {
  const out: TestClient[] = [];
  for (const name of names) {
    const c = await TestClient.connect(`${running!.url}/p/${name}`);
    clients.push(c);
    c.send('ready?');
    expect(await c.nextText()).toBe('ready?');
    out.push(c);
  }
  return out;
}

describe('a pool of handler hosts', () => {
  it('every host sees every connection and its attributes in ctx.connections', async () => {
    running = await start(flow(2));
    const [a, b, c] = await openAll(['a', 'b', 'c']);
    a!.send('tag red'); // a is served by host 1
    expect(await a!.nextText()).toBe('tagged');
    b!.send('who'); // b by host 0, which only mirrors a
    expect(await b!.nextText()).toBe('a=red,b=,c=');
    await c!.close();
    b!.send('who');
    expect(await b!.nextText()).toBe('a=red,b=');
    a!.send('who');
    expect(await a!.nextText()).toBe('a=red,b=');
  });

  it('keeps the order of each connection under interleaved load', async () => {
    running = await start(flow(3));
    const conns = await openAll(['p', 'q', 'r', 's']);
    for (let i = 0; i < 200; i++) for (const c of conns) c.send(`m${i}`);
    for (const c of conns) for (let i = 0; i < 200; i++) expect(await c.nextText()).toBe(`m${i}`);
  });

  it('a runaway snippet stalls only its own host: the other host answers before the runaway is even stopped', async () => {
    running = await start(flow(2));
    const events: TraceEvent[] = [];
    running.subscribe((e) => events.push(e));
    const [a, b] = await openAll(['a', 'b']);
    a!.send('spin'); // host 1 is stuck until the budget runs out
    const timedOut = () => events.some((e) => e.kind === 'invoke' && e.error?.code === 'WSF_SNIPPET_TIMEOUT');
    for (let i = 0; i < 5; i++) {
      b!.send(`still here ${i}`);
      expect(await b!.nextText()).toBe(`still here ${i}`);
    }
    expect(timedOut(), 'b was answered only after the runaway was stopped').toBe(false);
    expect((await a!.waitClosed(10_000)).code).toBe(1011);
    await waitFor('the timeout in the trace', timedOut, 5000);
    b!.send('after');
    expect(await b!.nextText()).toBe('after');
  });

  it('with one host, the same runaway holds every connection until it is stopped (what the pool changes)', async () => {
    running = await start(flow(1));
    const events: TraceEvent[] = [];
    running.subscribe((e) => events.push(e));
    const [a, b] = await openAll(['a', 'b']);
    a!.send('spin');
    b!.send('blocked?');
    expect(await b!.nextText(10_000)).toBe('blocked?');
    expect(events.some((e) => e.kind === 'invoke' && e.error?.code === 'WSF_SNIPPET_TIMEOUT')).toBe(true);
  });
});
