import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: isolation
listener: { port: 0 }
nodes:
  - id: up
    type: upgrader
    basePath: /i
    upgradePath: '/{name}'
    code: |
      export default function upgrade(req: UpgradeRequest): UpgradeDecision | void {
        if (req.params.name === 'hang') {
          while (true) {}
        }
      }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default async function onOpen(conn: Connection) {
        if (conn.params.name === 'slowopen') await new Promise((r) => setTimeout(r, 800));
      }
  - id: on-text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'throw') {
          throw new TypeError('thrown on purpose');
        }
        if (text === 'spin') {
          while (true) {}
        }
        if (text === 'spin-after-state') {
          await ctx.state.get('anything');
          for (;;) {}
        }
        if (text === 'spin-after-timer') {
          await new Promise((r) => setTimeout(r, 20));
          for (;;) {}
        }
        if (text.startsWith('remember ')) {
          conn.attributes.memo = text.slice(9);
          conn.send('ok');
          return;
        }
        if (text === 'recall') {
          conn.send('memo=' + conn.attributes.memo + ' n=' + ctx.connections.length);
          return;
        }
        conn.send('echo ' + text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
`;

const BUDGET = 300;
let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW, { handlerBudgetMs: BUDGET });
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

function failures(events: TraceEvent[], code: string) {
  return events.filter((e): e is Extract<TraceEvent, { kind: 'invoke' }> => e.kind === 'invoke' && e.error?.code === code);
}

describe('isolation', () => {
  it('reports a snippet that throws with node id and snippet line, and keeps serving', async () => {
    const trace = collect(flow);
    const a = await TestClient.connect(`${flow.url}/i/a`);
    const b = await TestClient.connect(`${flow.url}/i/b`);
    a.send('throw');
    b.send('hello');
    expect(await b.next()).toBe('echo hello');
    const [failure] = await waitFor('a WSF_SNIPPET_REJECTED failure', () => {
      const f = failures(trace.events, 'WSF_SNIPPET_REJECTED');
      return f.length > 0 ? f : undefined;
    }, 5000);
    expect(failure?.nodeId).toBe('on-text');
    expect(failure?.connectionId).toBeTruthy();
    expect(failure?.error).toMatchObject({ nodeId: 'on-text', line: 3, message: 'thrown on purpose' });
    a.send('still here');
    expect(await a.next()).toBe('echo still here');
    trace.stop();
    a.socket.close();
    b.socket.close();
  });

  for (const command of ['spin', 'spin-after-state', 'spin-after-timer']) {
    it(`stops "${command}" after the budget, closes that connection with 1011 and serves the others`, async () => {
      const trace = collect(flow);
      const victim = await TestClient.connect(`${flow.url}/i/victim`);
      const other = await TestClient.connect(`${flow.url}/i/other`);
      other.send('remember kept');
      expect(await other.next()).toBe('ok');
      const received = flow.stats().messagesIn;
      victim.send(command);
      // Sent after the server has the victim's command, so it queues behind the stuck handler
      // and must be answered by the replacement worker.
      await waitFor('the server to receive the command', () => flow.stats().messagesIn > received, 5000);
      other.send('during');
      const closed = await victim.closed;
      expect(closed).toEqual({ code: 1011, reason: 'handler timed out' });
      expect(await other.next(15_000)).toBe('echo during');
      other.send('recall');
      expect(await other.next()).toBe('memo=kept n=1');
      const timeouts = failures(trace.events, 'WSF_SNIPPET_TIMEOUT');
      expect(timeouts).toHaveLength(1);
      expect(timeouts[0]).toMatchObject({ nodeId: 'on-text', event: 'text', error: { code: 'WSF_SNIPPET_TIMEOUT', nodeId: 'on-text' } });
      // It ran at least its whole budget (the trace used to say 0 ms).
      expect(timeouts[0]!.durationMs).toBe(BUDGET);
      trace.stop();
      await other.close();
    });
  }

  it('replays the unfinished events of other connections on the new host, onOpen included, exactly once', async () => {
    const slow = await TestClient.connect(`${flow.url}/i/slowopen`);
    const victim = await TestClient.connect(`${flow.url}/i/victim2`);
    victim.send('spin'); // while slowopen's onOpen still awaits
    slow.send('recall');
    expect((await victim.closed).code).toBe(1011);
    expect(await slow.next(15_000)).toBe('memo=undefined n=1');
    await slow.close();
  });

  // A snippet that ends the handler host (it runs out of memory; process.exit is refused):
  // test/engine/containment.test.ts.

  it('refuses a handshake whose upgrade snippet never returns, and keeps accepting others', async () => {
    const trace = collect(flow);
    const r = await TestClient.rejection(`${flow.url}/i/hang`);
    expect(r.status).toBe(500);
    expect(r.body).toContain('timed out');
    const ok = await TestClient.connect(`${flow.url}/i/fine`);
    ok.send('x');
    expect(await ok.next()).toBe('echo x');
    expect(failures(trace.events, 'WSF_SNIPPET_TIMEOUT')[0]).toMatchObject({ nodeId: 'up', event: 'upgrade', durationMs: BUDGET });
    trace.stop();
    ok.socket.close();
  });
});

describe('isolation of module code', () => {
  it('disables a snippet whose module code never finishes, and keeps the service up', async () => {
    const yaml = `
wsflow: 1
name: module-loop
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /m }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default (conn: Connection) => conn.send('welcome');
  - id: on-text
    type: onText
    code: |
      let ready = false;
      while (!ready) {}
      export default (conn: Connection, text: string) => conn.send(text);
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
`;
    const looping = await start(yaml, { handlerBudgetMs: BUDGET });
    const trace = collect(looping);
    const note = await waitFor('a timeout note', () => trace.events.find((e) => e.kind === 'engine' && e.code === 'WSF_SNIPPET_TIMEOUT'), 10_000);
    expect(note).toMatchObject({ nodeId: 'on-text', level: 'error' });
    const c = await TestClient.connect(`${looping.url}/m`);
    expect(await c.next(5000)).toBe('welcome');
    trace.stop();
    await looping.stop({ drainTimeoutMs: 500 });
  });
});
