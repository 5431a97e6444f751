/**
 * Chains run where snippets run: in the handler-host worker, under its watchdog. A chain whose
 * expression never finishes is stopped after the budget like a snippet (its connection closed
 * with 1011) while every other connection keeps being served; hot reload swaps a chain's code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFlow } from '../../runtime/engine/index.ts';
import type { RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, flowFrom, start } from '../engine/helpers.ts';

const FLOW = (reply: string) => `
wsflow: 1
name: chains
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /c }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: route, type: switch, value: text, cases: [spin, throw] }
  - { id: spin, type: reply, value: "(() => { for (;;) {} })()" }
  - { id: boom, type: code, code: "throw new TypeError('thrown on purpose');" }
  - { id: back, type: reply, message: "${reply}" }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: route }
  - { from: route, to: spin, port: spin }
  - { from: route, to: boom, port: throw }
  - { from: route, to: back, port: default }
`;

const BUDGET = 300;
let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW('echo ${text}'), { handlerBudgetMs: BUDGET });
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

const failures = (events: TraceEvent[], code: string) =>
  events.filter((e): e is Extract<TraceEvent, { kind: 'invoke' }> => e.kind === 'invoke' && e.error?.code === code);

describe('chains in the engine', () => {
  it('stops a chain whose expression never ends after the budget and keeps serving the others', async () => {
    const trace = collect(flow);
    const victim = await TestClient.connect(`${flow.url}/c`);
    const other = await TestClient.connect(`${flow.url}/c`);
    other.send('before');
    expect(await other.next()).toBe('echo before');
    victim.send('spin');
    expect(await victim.closed).toEqual({ code: 1011, reason: 'handler timed out' });
    other.send('after');
    expect(await other.next(15_000)).toBe('echo after');
    const [timeout] = await waitFor('a WSF_SNIPPET_TIMEOUT failure', () => {
      const f = failures(trace.events, 'WSF_SNIPPET_TIMEOUT');
      return f.length > 0 ? f : undefined;
    }, 5000);
    expect(timeout).toMatchObject({ nodeId: 'on-text', event: 'text' });
    trace.stop();
    other.socket.close();
  });

  it('reports an error thrown in a chain on its action node and keeps the connection', async () => {
    const trace = collect(flow);
    const client = await TestClient.connect(`${flow.url}/c`);
    client.send('throw');
    const [failure] = await waitFor('a WSF_SNIPPET_THROW failure', () => {
      const f = failures(trace.events, 'WSF_SNIPPET_THROW');
      return f.length > 0 ? f : undefined;
    }, 5000);
    // The invocation is the event node's; the failure is the action node's (DESIGN.md, "Seeing and debugging a chain").
    expect(failure).toMatchObject({ nodeId: 'on-text' });
    expect(failure?.error).toMatchObject({ nodeId: 'boom', field: 'code', line: 1, message: 'thrown on purpose' });
    client.send('still here');
    expect(await client.next()).toBe('echo still here');
    trace.stop();
    client.socket.close();
  });

  it('hot-reloads a changed chain: the next message uses the new template, the connection stays open', async () => {
    const client = await TestClient.connect(`${flow.url}/c`);
    client.send('one');
    expect(await client.next()).toBe('echo one');
    await flow.reload(await compileFlow(flowFrom(FLOW('you said: ${text}'))));
    client.send('two');
    expect(await client.next()).toBe('you said: two');
    client.socket.close();
  });
});

describe('an upgrader chain', () => {
  const UPGRADE = `
wsflow: 1
name: gate
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /g, upgradePath: '/{name}' }
  - { id: banned, type: if, condition: "conn.params.name === 'mallory'" }
  - { id: refuse, type: reject, status: 401, reason: "no \${conn.params.name} here" }
  - { id: welcome, type: accept, firstMessage: "welcome \${req.params.name}" }
  - { id: svc, type: service }
  - { id: on-text, type: onText }
  - { id: back, type: reply, value: text }
edges:
  - { from: up, to: svc }
  - { from: up, to: banned }
  - { from: banned, to: refuse, port: then }
  - { from: banned, to: welcome, port: else }
  - { from: svc, to: on-text }
  - { from: on-text, to: back }
`;
  let gate: RunningFlow;
  beforeAll(async () => {
    gate = await start(UPGRADE);
  });
  afterAll(async () => {
    await gate.stop({ drainTimeoutMs: 1000 });
  });

  it('refuses with its status and accepts with a first message', async () => {
    const refusal = await TestClient.rejection(`${gate.url}/g/mallory`);
    expect(refusal.status).toBe(401);
    expect(refusal.body).toContain('no mallory here');
    const alice = await TestClient.connect(`${gate.url}/g/alice`);
    expect(await alice.next()).toBe('welcome alice');
    alice.send('hi');
    expect(await alice.next()).toBe('hi');
    alice.socket.close();
  });
});
