/**
 * Breakpoints in the engine (DESIGN.md, "Seeing and debugging a chain"), over real sockets: a
 * connection whose event reaches a breakpoint pauses there by awaiting inside the handler host,
 * while every other connection is served; its later events wait behind the paused one; step runs
 * to the next node, continue runs on; a `vars` value can be changed first; the watchdog and the
 * settle timeout do not count paused time; without breakpoints nothing pauses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import type { DebugEvent, DebugPause, DebugSession, EngineOptions, RunningFlow } from '../../runtime/engine/contracts.ts';
import { flowFrom } from './helpers.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait.ts';

const FLOW = `wsflow: 1
name: debugged
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /d }
  - { id: svc, type: service }
  - { id: on-open, type: onOpen }
  - { id: greet, type: reply, message: "hello" }
  - { id: on-text, type: onText }
  - { id: count, type: set, target: var, name: n, value: "text.length" }
  - { id: answer, type: reply, message: "got \${text} \${vars.n}" }
  - { id: bye, type: reply, message: "done" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: on-open, to: greet }
  - { from: svc, to: on-text }
  - { from: on-text, to: count }
  - { from: count, to: answer }
  - { from: answer, to: bye }
`;

let flow: RunningFlow | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.terminate();
  await flow?.stop({ drainTimeoutMs: 200 });
  flow = undefined;
});

async function startDebugged(options: EngineOptions = {}): Promise<{ session: DebugSession; events: DebugEvent[]; url: string }> {
  flow = await startFlow(await compileFlow(flowFrom(FLOW), { debug: true }), { port: 0, ...options });
  const events: DebugEvent[] = [];
  const session = flow.debug?.((e) => events.push(e));
  if (!session) throw new Error('the engine has no debugger');
  return { session, events, url: `${flow.url}/d` };
}

async function connect(url: string): Promise<TestClient> {
  const c = await TestClient.connect(url);
  clients.push(c);
  return c;
}

/** The latest pause of `connectionId` at `nodeId`, once it came. */
function pausedAt(events: DebugEvent[], nodeId: string, from: number): Promise<DebugPause> {
  return waitFor(`a pause at ${nodeId}`, () => {
    for (let i = events.length - 1; i >= from; i--) {
      const e = events[i] as DebugEvent;
      if (e.kind === 'paused' && e.pause.nodeId === nodeId) return e.pause;
    }
    return undefined;
  });
}

describe('breakpoints in the handler host', () => {
  it.each([1, 2])('pauses one connection at a breakpoint while others are served; step, edit vars, continue (%i handler hosts)', async (hosts) => {
    const { session, events, url } = await startDebugged({ handlerHosts: hosts });
    const a = await connect(url);
    expect(await a.next()).toBe('hello');
    session.setBreakpoints(['answer']);
    a.send('{"x":1}');
    const pause = await pausedAt(events, 'answer', 0);
    expect(pause).toMatchObject({ nodeId: 'answer', handlerId: 'on-text', event: 'text', message: { type: 'text', preview: '{"x":1}' }, json: { x: 1 }, vars: { n: '7' }, params: {} });
    expect(session.paused().map((p) => p.connectionId)).toEqual([pause.connectionId]);

    // Client B connects meanwhile and gets its greeting: the handler host is not blocked.
    const b = await connect(url);
    expect(await b.next()).toBe('hello');

    // A's next event waits behind the paused one (per-connection order): checked below, it
    // reaches the breakpoint only after this event has finished.
    a.send('second');

    const before = events.length;
    session.command({ cmd: 'setVar', connectionId: pause.connectionId, name: 'n', json: '42' });
    await waitFor('the edited vars', () => events.slice(before).some((e) => e.kind === 'paused' && e.pause.vars?.n === '42'));

    // Step: the paused node runs (with the edited value) and it pauses at the next one.
    const stepFrom = events.length;
    session.command({ cmd: 'step', connectionId: pause.connectionId });
    expect(await a.next()).toBe('got {"x":1} 42');
    await pausedAt(events, 'bye', stepFrom);

    // Continue: the event finishes, then A's queued one reaches the breakpoint again.
    const contFrom = events.length;
    expect(events.some((e) => e.kind === 'paused' && e.pause.message?.preview === 'second')).toBe(false);
    session.command({ cmd: 'continue', connectionId: pause.connectionId });
    expect(await a.next()).toBe('done');
    const again = await pausedAt(events, 'answer', contFrom);
    expect(again.message?.preview).toBe('second');
    session.detach(); // no breakpoints: everything paused goes on
    expect(await a.next()).toBe('got second 6');
    expect(await a.next()).toBe('done');
    await waitFor('nothing paused', () => session.paused().length === 0);
  });

  it('pauses before a handler with a breakpoint; a step goes into its chain', async () => {
    const { session, events, url } = await startDebugged();
    session.setBreakpoints(['on-open']);
    const a = await connect(url);
    const pause = await pausedAt(events, 'on-open', 0);
    expect(pause.handlerId).toBe('on-open');
    const from = events.length;
    session.command({ cmd: 'step', connectionId: pause.connectionId });
    await pausedAt(events, 'greet', from);
    session.command({ cmd: 'continue', connectionId: pause.connectionId });
    expect(await a.next()).toBe('hello');
  });

  it('does not count paused time: held past the watchdog budget and the settle timeout, it still finishes', async () => {
    const settleMs = 300;
    const { session, events, url } = await startDebugged({ handlerBudgetMs: 100, handlerSettleMs: settleMs });
    const a = await connect(url);
    expect(await a.next()).toBe('hello');
    session.setBreakpoints(['answer']);
    a.send('hold');
    const pause = await pausedAt(events, 'answer', 0);
    const pausedSince = performance.now();
    // Meanwhile other clients keep being served, one after another, for well over both limits.
    await waitFor('three settle timeouts of pause', async () => {
      const b = await TestClient.connect(url);
      expect(await b.next()).toBe('hello');
      b.socket.terminate();
      return performance.now() - pausedSince > 3 * settleMs;
    }, 20_000);
    session.command({ cmd: 'continue', connectionId: pause.connectionId });
    expect(await a.next()).toBe('got hold 4');
    expect(await a.next()).toBe('done');
    // Still open: neither the watchdog (1011) nor the settle timeout closed it.
    session.setBreakpoints([]);
    a.send('after');
    expect(await a.next()).toBe('got after 5');
  });

  it('does not blame a paused connection when another snippet hangs the host', async () => {
    // A second service whose handler loops after an await: the watchdog then suspects every
    // invocation that is awaiting, unless (like a paused one) it is out of the blame table.
    const flowWithLoop = FLOW.replace('edges:\n', `  - { id: up2, type: upgrader, basePath: /loop }
  - { id: svc2, type: service }
  - id: spin
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string) {
        await Promise.resolve();
        for (;;) {}
      }
edges:
  - { from: up2, to: svc2 }
  - { from: svc2, to: spin }
`);
    flow = await startFlow(await compileFlow(flowFrom(flowWithLoop), { debug: true }), { port: 0, handlerBudgetMs: 300 });
    const events: DebugEvent[] = [];
    const session = flow.debug?.((e) => events.push(e));
    if (!session) throw new Error('the engine has no debugger');
    const a = await connect(`${flow.url}/d`);
    expect(await a.next()).toBe('hello');
    session.setBreakpoints(['answer']);
    a.send('hold');
    await pausedAt(events, 'answer', 0);
    const spinner = await connect(`${flow.url}/loop`);
    const from = events.length;
    spinner.send('go');
    expect((await spinner.closed).code).toBe(1011);
    // A's unfinished event went to the new host and pauses there again; A was not closed.
    const again = await pausedAt(events, 'answer', from);
    session.command({ cmd: 'continue', connectionId: again.connectionId });
    expect(await a.next()).toBe('got hold 4');
    expect(await a.next()).toBe('done');
  });

  it('without breakpoints (debugger attached or not) nothing pauses', async () => {
    const { session, events, url } = await startDebugged();
    const a = await connect(url);
    expect(await a.next()).toBe('hello');
    a.send('one');
    expect(await a.next()).toBe('got one 3');
    expect(await a.next()).toBe('done');
    session.setBreakpoints([]);
    a.send('two');
    expect(await a.next()).toBe('got two 3');
    expect(await a.next()).toBe('done');
    expect(events).toEqual([]);
  });
});
