/**
 * Snippets cannot take the server down or speak for the engine (issue 18, finding 2) and a
 * promise that never settles does not hold its connection forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: containment
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /c, upgradePath: '/{name}' }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      import { parentPort, workerData } from 'node:worker_threads';
      const hoard: unknown[] = [];
      export default async function onText(conn: Connection, text: string) {
        if (text === 'oom') {
          for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
        }
        if (text === 'kill') {
          process.kill(process.pid, 'SIGTERM');
        }
        if (text === 'exit') {
          process.exit(3);
        }
        if (text === 'forge') {
          // ACT_SEND to every connection number the engine may have handed out so far.
          const forged: unknown[] = [1];
          for (let n = 1; n <= 20; n++) forged.push(1, n, 'forged');
          parentPort?.postMessage(forged);
          const dynamic = await import('node:worker_threads').catch(() => undefined);
          dynamic?.parentPort?.postMessage(forged);
          conn.send('port in workerData: ' + String(Boolean((workerData as { port?: unknown } | null)?.port)));
          return;
        }
        if (text === 'hang') {
          await new Promise(() => {});
        }
        conn.send('echo ' + text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW, { handlerBudgetMs: 20_000, handlerMemoryMb: 64, handlerSettleMs: 600 });
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

function failures(events: TraceEvent[], code: string) {
  return events.filter((e): e is Extract<TraceEvent, { kind: 'invoke' }> => e.kind === 'invoke' && e.error?.code === code);
}

async function roundTrips(c: TestClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    c.send(`ping ${i}`);
    expect(await c.next(15_000)).toBe(`echo ping ${i}`);
  }
}

describe('snippet containment', () => {
  it('a snippet that runs out of memory ends only its worker: 1011 for it, the others keep their connection', async () => {
    const trace = collect(flow);
    const other = await TestClient.connect(`${flow.url}/c/bystander`);
    const victim = await TestClient.connect(`${flow.url}/c/hog`);
    victim.send('oom');
    expect(await victim.closed).toEqual({ code: 1011, reason: 'handler crashed' });
    await roundTrips(other, 3);
    const note = trace.events.find((e) => e.kind === 'engine' && e.code === 'WSF_HOST_CRASHED');
    expect(note).toMatchObject({ nodeId: 'on-text' });
    expect(note && 'message' in note ? note.message : '').toContain('ran out of memory');
    const fresh = await TestClient.connect(`${flow.url}/c/later`);
    await roundTrips(fresh, 1);
    trace.stop();
    other.socket.close();
    fresh.socket.close();
    await other.closed;
  });

  for (const command of ['kill', 'exit']) {
    it(`process.${command} is refused inside a snippet: the server and the connection live`, async () => {
      const trace = collect(flow);
      const other = await TestClient.connect(`${flow.url}/c/bystander`);
      const c = await TestClient.connect(`${flow.url}/c/${command}er`);
      c.send(command);
      const [failure] = await waitFor('a WSF_SNIPPET_REJECTED failure', () => {
        const f = failures(trace.events, 'WSF_SNIPPET_REJECTED');
        return f.length > 0 ? f : undefined;
      }, 5000);
      expect(failure?.error?.message).toContain(`process.${command}() is not available in a snippet`);
      await roundTrips(c, 1);
      await roundTrips(other, 1);
      trace.stop();
      await Promise.all([c.close(), other.close()]);
    });
  }

  it('a message a snippet posts on the worker port is not delivered as engine traffic', async () => {
    const other = await TestClient.connect(`${flow.url}/c/target`);
    const forger = await TestClient.connect(`${flow.url}/c/forger`);
    forger.send('forge');
    expect(await forger.next(15_000)).toBe('port in workerData: false');
    // Many round trips through the worker after the forgery: a delivered forgery would be here.
    await roundTrips(other, 20);
    await roundTrips(forger, 5);
    // drain(0) looks once, without waiting: nothing may be queued beyond the replies read above.
    expect(await other.drain(0)).toEqual([]);
    expect(await forger.drain(0)).toEqual([]);
    await Promise.all([other.close(), forger.close()]);
  });

  it('a handler whose promise never settles: that connection is closed with 1011 after the bound, the others are served', async () => {
    const trace = collect(flow);
    const other = await TestClient.connect(`${flow.url}/c/patient`);
    const stuck = await TestClient.connect(`${flow.url}/c/stuck`);
    stuck.send('hang');
    stuck.send('queued behind the hang');
    await roundTrips(other, 2);
    expect(await stuck.closed).toEqual({ code: 1011, reason: 'handler did not settle' });
    const [failure] = await waitFor('a WSF_SNIPPET_UNSETTLED failure', () => {
      const f = failures(trace.events, 'WSF_SNIPPET_UNSETTLED');
      return f.length > 0 ? f : undefined;
    }, 5000);
    expect(failure).toMatchObject({ nodeId: 'on-text', event: 'text' });
    await roundTrips(other, 1);
    trace.stop();
    await other.close();
  });
});

describe('timers that hog the handler host', () => {
  it('a timer doing most of the work of every period is caught: its owner gets 1011, the others are served', async () => {
    const hogFlow = await start(
      `
wsflow: 1
name: timer-hog
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /t, upgradePath: '/{name}' }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        if (text === 'hog') {
          // Returns every time, so no single call is over the budget: 250 ms of work every 300 ms.
          setInterval(() => {
            const t = Date.now();
            while (Date.now() - t < 250) {}
          }, 300);
        }
        conn.send('echo ' + text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`,
      { handlerBudgetMs: 300 },
    );
    try {
      const trace = collect(hogFlow);
      const other = await TestClient.connect(`${hogFlow.url}/t/bystander`);
      const hog = await TestClient.connect(`${hogFlow.url}/t/hog`);
      hog.send('hog');
      expect(await hog.next(15_000)).toBe('echo hog');
      expect(await hog.closed).toEqual({ code: 1011, reason: 'handler timers hogged the server' });
      const note = trace.events.find((e) => e.kind === 'engine' && e.code === 'WSF_SNIPPET_TIMER_HOG');
      expect(note).toMatchObject({ nodeId: 'on-text' });
      expect(failures(trace.events, 'WSF_SNIPPET_TIMER_HOG')[0]).toMatchObject({ nodeId: 'on-text', connectionId: expect.any(String) });
      await roundTrips(other, 3);
      trace.stop();
      await other.close();
    } finally {
      await hogFlow.stop({ drainTimeoutMs: 500 });
    }
  });
});
