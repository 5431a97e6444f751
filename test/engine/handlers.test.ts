import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

const FLOW = `
wsflow: 1
name: handlers
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /h, upgradePath: '/{name}' }
  - { id: svc, type: service }
  - id: on-open
    type: onOpen
    code: |
      export default async function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.attributes.name = conn.params.name;
        await ctx.state.incr('opened');
        conn.send('open ' + ctx.connections.length + ' ' + (await ctx.connectionCount()));
      }
  - id: on-text
    type: onText
    code: |
      export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
        const [cmd, arg] = text.split(' ');
        if (cmd === 'slow') {
          await new Promise((r) => setTimeout(r, Number(arg)));
          conn.send('slow done ' + arg);
        } else if (cmd === 'fast') {
          conn.send('fast ' + arg);
        } else if (cmd === 'all') {
          ctx.broadcast(conn.attributes.name + ' says ' + arg);
        } else if (cmd === 'others') {
          ctx.broadcast({ from: conn.attributes.name, arg }, { except: conn });
        } else if (cmd === 'to') {
          const target = ctx.connections.find((c) => c.params.name === arg);
          if (target) ctx.sendTo(target.id, 'psst from ' + conn.params.name);
        } else if (cmd === 'set') {
          await ctx.state.set('k:' + arg, { v: arg });
          conn.send('set ' + JSON.stringify(await ctx.state.get('k:' + arg)) + ' ' + JSON.stringify(await ctx.state.keys('k:')));
        } else if (cmd === 'del') {
          conn.send('del ' + (await ctx.state.delete('k:' + arg)) + ' ' + (await ctx.state.delete('k:' + arg)));
        } else if (cmd === 'count') {
          conn.send('count ' + (await ctx.state.get('opened')));
        } else if (cmd === 'throw') {
          throw new Error('boom ' + arg);
        } else if (cmd === 'bye') {
          conn.close(4000, 'bye ' + arg);
        }
      }
  - id: on-binary
    type: onBinary
    code: |
      export default function onBinary(conn: Connection, data: Uint8Array, ctx: ServiceContext) {
        if (data[0] === 0xaa) return ctx.broadcast(data, { except: conn.id });
        const out = new Uint8Array(data.length);
        for (let i = 0; i < data.length; i++) out[i] = data[i] ^ 0xff;
        conn.send(out);
      }
  - id: on-error
    type: onError
    code: |
      export default function onError(conn: Connection, error: HandlerError) {
        conn.send('error ' + error.code + ' ' + error.nodeId + ':' + error.line + ' ' + error.message);
      }
  - id: on-close
    type: onClose
    code: |
      export default async function onClose(conn: Connection, code: number, reason: string, ctx: ServiceContext) {
        await ctx.state.set('closed:' + conn.params.name, code + '/' + reason);
        // Only watchers hear about it, so that tests do not see each other's goodbyes.
        if (conn.params.name.length === 1) for (const c of ctx.connections) if (c.params.name.startsWith('watch')) c.send('left ' + conn.params.name + ' ' + code + ' ' + reason);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
  - { from: svc, to: on-binary }
  - { from: svc, to: on-error }
  - { from: svc, to: on-close }
`;

let flow: RunningFlow;
beforeAll(async () => {
  flow = await start(FLOW);
});
afterAll(async () => {
  await flow.stop({ drainTimeoutMs: 1000 });
});

describe('handlers', () => {
  it('runs onOpen with state, connection list and count', async () => {
    const a = await TestClient.connect(`${flow.url}/h/a`);
    expect(await a.next()).toBe('open 1 1');
    const b = await TestClient.connect(`${flow.url}/h/b`);
    expect(await b.next()).toBe('open 2 2');
    a.send('count');
    expect(await a.next()).toBe('count 2');
    await Promise.all([a.close(), b.close()]);
  });

  it('runs events of one connection in order, even when a handler awaits', async () => {
    const c = await TestClient.connect(`${flow.url}/h/order`);
    await c.next();
    c.send('slow 150');
    c.send('fast 1');
    c.send('slow 10');
    c.send('fast 2');
    expect([await c.next(), await c.next(), await c.next(), await c.next()]).toEqual(['slow done 150', 'fast 1', 'slow done 10', 'fast 2']);
    c.socket.close();
  });

  it('keeps order and loses nothing when a peer sends faster than its handler runs (backpressure)', async () => {
    const c = await TestClient.connect(`${flow.url}/h/flood`);
    await c.next();
    const n = 700;
    for (let i = 0; i < n; i++) c.send(i % 2 ? `fast ${i}` : 'slow 0');
    const got: string[] = [];
    for (let i = 0; i < n; i++) got.push(String(await c.next(10_000)));
    expect(got).toEqual(Array.from({ length: n }, (_, i) => (i % 2 ? `fast ${i}` : 'slow done 0')));
    await c.close();
  });

  it('serves other connections while one connection awaits', async () => {
    const slow = await TestClient.connect(`${flow.url}/h/slow`);
    const quick = await TestClient.connect(`${flow.url}/h/quick`);
    await slow.next();
    await quick.next();
    slow.send('slow 1500');
    quick.send('fast x');
    // Order, not elapsed time: the quick answer comes while the slow handler still awaits.
    const answers: string[] = [];
    const heard = (name: string) => (m: string | Buffer) => answers.push(`${name}: ${String(m)}`);
    await Promise.all([quick.next().then(heard('quick')), slow.next().then(heard('slow'))]);
    expect(answers).toEqual(['quick: fast x', 'slow: slow done 1500']);
    slow.socket.close();
    quick.socket.close();
  });

  it('broadcasts, broadcasts with except, and sends to one connection by id', async () => {
    const x = await TestClient.connect(`${flow.url}/h/x`);
    const y = await TestClient.connect(`${flow.url}/h/y`);
    await x.next();
    await y.next();
    x.send('all hi');
    expect(await x.next()).toBe('x says hi');
    expect(await y.next()).toBe('x says hi');
    x.send('others yo');
    expect(JSON.parse(String(await y.next()))).toEqual({ from: 'x', arg: 'yo' });
    x.send('to y');
    expect(await y.next()).toBe('psst from x');
    x.send('fast end');
    expect(await x.next()).toBe('fast end'); // x got neither the except-broadcast nor the targeted send
    await Promise.all([x.close(), y.close()]);
  });

  it('offers an async per-service state store', async () => {
    const s = await TestClient.connect(`${flow.url}/h/s`);
    await s.next();
    s.send('set one');
    expect(await s.next()).toBe('set {"v":"one"} ["k:one"]');
    s.send('del one');
    expect(await s.next()).toBe('del true false');
    s.socket.close();
  });

  it('echoes binary as binary', async () => {
    const b = await TestClient.connect(`${flow.url}/h/bin`);
    await b.next();
    b.send(Buffer.from([0, 1, 254]));
    expect(await b.next()).toEqual(Buffer.from([255, 254, 1]));
    const other = await TestClient.connect(`${flow.url}/h/bin2`);
    await other.next();
    b.send(Buffer.from([0xaa, 0, 7]));
    expect(await other.next()).toEqual(Buffer.from([0xaa, 0, 7]));
    b.socket.close();
    other.socket.close();
  });

  it('gives onError the errors of other handlers, with node and line', async () => {
    const trace = collect(flow);
    const e = await TestClient.connect(`${flow.url}/h/err`);
    await e.next();
    e.send('throw 7');
    expect(await e.next()).toBe('error WSF_SNIPPET_REJECTED on-text:23 boom 7');
    e.send('fast still-alive');
    expect(await e.next()).toBe('fast still-alive');
    await e.close();
    trace.stop();
    const failed = trace.events.find((ev) => ev.kind === 'invoke' && ev.error);
    expect(failed).toMatchObject({ kind: 'invoke', nodeId: 'on-text', event: 'text', error: { code: 'WSF_SNIPPET_REJECTED', nodeId: 'on-text', line: 23, message: 'boom 7' } });
  });

  it('runs onClose with the close code and reason, also when the handler closes', async () => {
    const watcher = await TestClient.connect(`${flow.url}/h/watcher`);
    await watcher.next();
    const q = await TestClient.connect(`${flow.url}/h/q`);
    await q.next();
    q.send('bye now');
    expect(await q.closed).toEqual({ code: 4000, reason: 'bye now' });
    expect(await watcher.next()).toBe('left q 4000 bye now');
    const p = await TestClient.connect(`${flow.url}/h/p`);
    await p.next();
    p.socket.close(4001, 'client leaves');
    expect(await watcher.next()).toBe('left p 4001 client leaves');
    watcher.socket.close();
    await waitFor('all closed', () => flow.stats().connections === 0, 3000).catch((e) => { throw new Error(e.message + JSON.stringify(flow.stats())); });
  });
});
