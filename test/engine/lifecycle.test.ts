import { describe, expect, it } from 'vitest';
import { compileFlow, SnippetCompileError, startFlow } from '../../runtime/engine/index.ts';
import type { TraceEvent } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, ECHO, flowFrom, start } from './helpers.ts';

describe('compileFlow', () => {
  it('locates snippet syntax errors by node, line and column', async () => {
    const flow = flowFrom(ECHO.replace('conn.send(text);', 'conn.send(text;'));
    const error = await compileFlow(flow).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SnippetCompileError);
    expect(error).toMatchObject({ nodeId: 'on-text', line: 2, col: 17, code: 'WSF_SNIPPET_SYNTAX' });
  });
});

describe('hot reload', () => {
  it('applies new snippet code to the next event without dropping the connection', async () => {
    const flow = await start(ECHO);
    const c = await TestClient.connect(`${flow.url}/chat`);
    c.send('one');
    expect(await c.next()).toBe('one');
    await flow.reload(await compileFlow(flowFrom(ECHO.replace('conn.send(text);', "conn.send('v2 ' + text.toUpperCase());"))));
    c.send('two');
    expect(await c.next()).toBe('v2 TWO');
    // Removing the handler: texts are no longer answered, the connection stays open.
    const withoutHandler = flowFrom(ECHO);
    withoutHandler.nodes = withoutHandler.nodes.filter((n) => n.id !== 'on-text');
    withoutHandler.edges = withoutHandler.edges.filter((e) => e.to !== 'on-text');
    await flow.reload(await compileFlow(withoutHandler));
    c.send('three');
    await expect(c.next(300)).rejects.toThrow(/no message/);
    expect(c.socket.readyState).toBe(c.socket.OPEN);
    await flow.stop();
    expect((await c.closed).code).toBe(1001);
  });
});

describe('hot reload of the topology', () => {
  it('adds and removes services on a running flow; connections of kept services stay open', async () => {
    const two = flowFrom(ECHO);
    two.nodes.push(
      { id: 'up2', type: 'upgrader', basePath: '/old' },
      { id: 'svc2', type: 'service' },
    );
    two.edges.push({ from: 'up2', to: 'svc2' });
    const flow = await startFlow(await compileFlow(two), { port: 0 });
    const kept = await TestClient.connect(`${flow.url}/chat`);
    const removed = await TestClient.connect(`${flow.url}/old`);
    const next = flowFrom(ECHO);
    next.nodes.unshift(
      { id: 'up3', type: 'upgrader', basePath: '/new' },
      { id: 'svc3', type: 'service' },
      { id: 'greet', type: 'onOpen', code: "export default (conn: Connection, ctx: ServiceContext) => conn.send('new ' + ctx.service);" },
    );
    next.edges.push({ from: 'up3', to: 'svc3' }, { from: 'svc3', to: 'greet' });
    await flow.reload(await compileFlow(next));
    expect(await removed.closed).toEqual({ code: 1001, reason: 'service removed' });
    const fresh = await TestClient.connect(`${flow.url}/new`);
    // The new onOpen is loaded by the handler host after the reload: on a busy machine that takes seconds.
    expect(await fresh.next(15_000)).toBe('new svc3');
    kept.send('still');
    expect(await kept.next()).toBe('still');
    await flow.stop();
  });
});

describe('trace', () => {
  it('emits connection events, sampled invocations with logs, and summaries', async () => {
    const flow = await startFlow(
      await compileFlow(flowFrom(ECHO.replace('conn.send(text);', "if (text === 'log') console.log('logged', { n: 1 }); conn.send(text);"))),
      { port: 0, traceSampleRate: 5 },
    );
    const trace = collect(flow);
    const c = await TestClient.connect(`${flow.url}/chat`);
    for (let i = 0; i < 200; i++) c.send(`m${i}`);
    c.send('log');
    for (let i = 0; i <= 200; i++) await c.next();
    await waitFor('a summary', () => trace.events.some((e) => e.kind === 'summary' && e.perNode['on-text']), 3000);
    c.socket.close();
    await waitFor('close event', () => trace.events.some((e) => e.kind === 'connection' && e.state === 'close'), 3000);
    trace.stop();
    const kinds = (k: TraceEvent['kind']) => trace.events.filter((e) => e.kind === k);
    expect(kinds('connection').map((e) => (e.kind === 'connection' ? e.state : ''))).toEqual(['open', 'close']);
    const invokes = kinds('invoke');
    // Sampling: far fewer than 201 invocation events, but the one with a log is never dropped.
    expect(invokes.length).toBeLessThanOrEqual(20);
    const logged = invokes.find((e) => e.kind === 'invoke' && e.logs.length > 0);
    expect(logged).toMatchObject({ nodeId: 'on-text', event: 'text', logs: [{ level: 'info', message: 'logged {"n":1}' }] });
    const summaries = kinds('summary').filter((e) => e.kind === 'summary');
    const count = summaries.reduce((n, s) => n + (s.kind === 'summary' ? (s.perNode['on-text']?.count ?? 0) : 0), 0);
    const sampledOut = summaries.reduce((n, s) => n + (s.kind === 'summary' ? s.sampledOut : 0), 0);
    expect(count).toBe(201);
    expect(sampledOut + invokes.length).toBe(201);
    expect(summaries.reduce((n, s) => n + (s.kind === 'summary' ? s.messagesIn : 0), 0)).toBe(201);
    await flow.stop();
  });
});

describe('stop', () => {
  it('closes clients with 1001 and waits for in-flight handlers, bounded by the drain time', async () => {
    const yaml = `
wsflow: 1
name: drain
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /d }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send('started');
        await new Promise((r) => setTimeout(r, Number(text)));
        console.log('finished ' + text);
      }
  - id: on-close
    type: onClose
    code: |
      export default async function onClose(conn: Connection, code: number, reason: string, ctx: ServiceContext) {
        await ctx.state.set('closed', code);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
  - { from: svc, to: on-close }
`;
    // Order, not elapsed time: the handler's run is reported (with its log) before stop() resolves.
    const finished = (events: TraceEvent[], text: string) =>
      events.some((e) => e.kind === 'invoke' && e.nodeId === 'on-text' && e.logs.some((l) => l.message === `finished ${text}`));
    const flow = await start(yaml);
    const trace = collect(flow);
    const c = await TestClient.connect(`${flow.url}/d`);
    c.send('300');
    expect(await c.next()).toBe('started'); // the handler is in flight
    await flow.stop({ drainTimeoutMs: 60_000 });
    expect(finished(trace.events, '300')).toBe(true);
    expect((await c.closed).code).toBe(1001);
    const http = flow.url.replace('ws://', 'http://');
    await expect(fetch(`${http}/healthz`)).rejects.toThrow();
    trace.stop();

    // A handler that outlives the drain time does not hold stop() (it would otherwise wait 60 s,
    // past the test's timeout).
    const stuck = await start(yaml);
    const stuckTrace = collect(stuck);
    const s = await TestClient.connect(`${stuck.url}/d`);
    s.send('60000');
    expect(await s.next()).toBe('started');
    await stuck.stop({ drainTimeoutMs: 300 });
    expect(finished(stuckTrace.events, '60000')).toBe(false);
    stuckTrace.stop();
  });
});
