/**
 * Channels through the snippet API on one engine (docs/channels.md): envelope, presence, name
 * checks, the per-connection cap, leaving on close, TTL of history, the slow-reader limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import { waitFor } from '../helpers/wait.ts';
import { ClientPool, type TestClient } from '../helpers/ws-client.ts';
import { collect, start } from './helpers.ts';

// One command per text: `sub NAME [since]`, `unsub NAME`, `pub NAME JSON`, `members NAME`, `many N`, `flood NAME`.
const CODE = `export default async function onText(conn: Connection, text: string, ctx: ServiceContext) {
  const [cmd, name = '', arg] = text.split(' ');
  try {
    if (cmd === 'sub') conn.send('joined ' + JSON.stringify(await conn.subscribe(name, { since: arg === undefined ? undefined : Number(arg) })));
    else if (cmd === 'unsub') conn.send('left ' + String(await conn.unsubscribe(name)));
    else if (cmd === 'pub') conn.send('published ' + String(await ctx.channel(name, conn).publish(JSON.parse(arg ?? 'null'))));
    else if (cmd === 'members') conn.send('members ' + JSON.stringify(await ctx.channel(name, conn).members()));
    else if (cmd === 'many') {
      for (let i = 0; i < Number(name); i++) await conn.subscribe('c:' + i);
      conn.send('many ok');
    } else if (cmd === 'flood') {
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 200; i++) void ctx.channel(name).publish(chunk);
      conn.send('flooded');
    }
  } catch (error) {
    conn.send('error ' + (error as Error).message);
  }
}`;

const flow = (limits = '') => `
wsflow: 1
name: channels
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /c, upgradePath: '/{room}' }
  - id: svc
    type: service${limits}
    channels:
      - { name: 'room:{room}', history: { size: 3 }, presence: true }
      - { name: 'short', history: { size: 10, ttlSeconds: 1 } }
      - { name: 'c:{n}' }
      - { name: 'big' }
  - id: on-text
    type: onText
    code: |
${CODE.split('\n').map((l) => `      ${l}`).join('\n')}
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;

let running: RunningFlow | undefined;
const pool = new ClientPool();
afterEach(async () => {
  pool.closeAll();
  await running?.stop();
  running = undefined;
});

async function ask(client: TestClient, command: string): Promise<string> {
  client.send(command);
  return client.nextText();
}

describe('channels (snippet API, one instance)', () => {
  it('frames each publish as {"channel","offset","data"} for every subscriber, publisher included; presence joins and leaves', async () => {
    running = await start(flow());
    const a = await pool.connect(`${running.url}/c/a`);
    const b = await pool.connect(`${running.url}/c/a`);
    // The joiner is a subscriber when its join goes out: it sees its own join first.
    expect(await ask(a, 'sub room:{room}')).toMatch(/^\{"channel":"room:a","presence":"join","member":"[^"]+"\}$/);
    expect(await a.nextText()).toBe('joined {"recovered":true,"replayed":0,"offset":0}');
    b.send('sub room:a');
    // a sees b join (presence) before b's own answer is certain: read both.
    expect(await a.nextJson()).toEqual({ channel: 'room:a', presence: 'join', member: expect.any(String) as string });
    expect(await b.nextJson()).toEqual({ channel: 'room:a', presence: 'join', member: expect.any(String) as string });
    expect(await b.nextText()).toMatch(/^joined /);
    expect(JSON.parse((await ask(a, 'members room:a')).slice(8))).toHaveLength(2);

    a.send('pub room:a {"n":1}');
    expect(await a.nextJson()).toEqual({ channel: 'room:a', offset: 1, data: { n: 1 } });
    expect(await a.nextText()).toBe('published 1');
    expect(await b.nextJson()).toEqual({ channel: 'room:a', offset: 1, data: { n: 1 } });

    await b.close();
    expect(await a.nextJson()).toEqual({ channel: 'room:a', presence: 'leave', member: expect.any(String) as string });
    expect(await ask(a, 'members room:a')).toMatch(/^members \["[^"]+"\]$/);
    expect(await ask(a, 'unsub room:a')).toBe('left true');
    expect(await ask(a, 'unsub room:a')).toBe('left false');
    a.send('pub room:a 2');
    expect(await a.nextText()).toBe('published 2');
  });

  it('replays from history with since, and answers recovered: false when history does not reach back', async () => {
    running = await start(flow());
    const a = await pool.connect(`${running.url}/c/r`);
    for (let i = 1; i <= 5; i++) expect(await ask(a, `pub room:r ${i}`)).toBe(`published ${i}`);
    const b = await pool.connect(`${running.url}/c/r`);
    // History keeps 3 (offsets 3..5): since 2 is recoverable, since 1 is not.
    b.send('sub room:r 2');
    expect(await b.nextJson()).toEqual({ channel: 'room:r', offset: 3, data: 3 });
    expect(await b.nextJson()).toEqual({ channel: 'room:r', offset: 4, data: 4 });
    expect(await b.nextJson()).toEqual({ channel: 'room:r', offset: 5, data: 5 });
    expect(await b.nextJson()).toMatchObject({ presence: 'join' });
    expect(await b.nextText()).toBe('joined {"recovered":true,"replayed":3,"offset":5}');
    const c = await pool.connect(`${running.url}/c/r`);
    c.send('sub room:r 1');
    expect(await c.nextJson()).toMatchObject({ presence: 'join' });
    expect(await c.nextText()).toBe('joined {"recovered":false,"replayed":0,"offset":5}');
    // An offset the channel never reached (an earlier life of it) cannot be continued either.
    const d = await pool.connect(`${running.url}/c/r`);
    d.send('sub room:r 99');
    expect(await d.nextJson()).toMatchObject({ presence: 'join' });
    expect(await d.nextText()).toBe('joined {"recovered":false,"replayed":0,"offset":5}');
  });

  it('drops history older than ttlSeconds', async () => {
    running = await start(flow());
    const a = await pool.connect(`${running.url}/c/t`);
    expect(await ask(a, 'pub short "old"')).toBe('published 1');
    expect(await ask(a, 'pub short "old2"')).toBe('published 2');
    // Probe until the TTL has passed: a recovery from 1 then fails (bounded by waitFor).
    await waitFor('history expired', async () => {
      const b = await pool.connect(`${running?.url ?? ''}/c/t`);
      b.send('sub short 1');
      const first = await b.nextText();
      await b.close();
      return first.startsWith('joined {"recovered":false');
    }, 10_000, 100);
  });

  it('refuses bad, undeclared and unfilled names, and a 101st subscription, with located codes', async () => {
    running = await start(flow());
    const a = await pool.connect(`${running.url}/c/x`);
    expect(await ask(a, 'sub nope')).toMatch(/^error WSF_CHANNEL_UNDECLARED: service "svc" declares no channel that "nope" matches/);
    expect(await ask(a, 'sub room:a/b"')).toMatch(/^error channel name .* may hold only/);
    expect(await ask(a, `sub ${'c:'.padEnd(201, 'x')}`)).toMatch(/^error channel name longer than 200 characters/);
    expect(await ask(a, 'sub c:{n}')).toMatch(/^error channel "c:\{n\}": \{n\} has no value/);
    expect(await ask(a, 'many 100')).toBe('many ok');
    expect(await ask(a, 'sub room:x')).toMatch(/^error WSF_CHANNEL_LIMIT: connection .* already holds 100 channel subscriptions/);
    expect(await ask(a, 'unsub c:0')).toBe('left true');
    expect(await ask(a, 'sub room:x')).toMatch(/"presence":"join"/);
    expect(await a.nextText()).toMatch(/^joined /);
  });

  it('closes a subscriber that does not read past maxBufferedBytes with 1008 and serves the others', async () => {
    running = await start(flow('\n    limits: { maxBufferedBytes: 262144 }'));
    const trace = collect(running);
    const reader = await pool.connect(`${running.url}/c/s`);
    const sender = await pool.connect(`${running.url}/c/s`);
    expect(await ask(reader, 'sub big')).toMatch(/^joined /);
    reader.socket.pause();
    expect(await ask(sender, 'flood big')).toBe('flooded');
    await waitFor('the slow-reader note', () => trace.events.find((e) => e.kind === 'engine' && e.code === 'WSF_SLOW_READER'), 10_000);
    reader.socket.resume();
    expect((await reader.waitClosed(10_000)).code).toBe(1008);
    expect(await ask(sender, 'sub big')).toMatch(/^joined /);
    trace.stop();
  });
});
