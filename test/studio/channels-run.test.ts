/** The run panel's channel list: the studio's stats carry each channel in use, its subscribers and last offset. */
import { afterEach, expect, it } from 'vitest';
import type { RunningFlow } from '../../runtime/engine/contracts.ts';
import type { RunStats, StudioEvent } from '../../runtime/studio/protocol.ts';
import { TraceRelay } from '../../runtime/studio/trace-relay.ts';
import { start } from '../engine/helpers.ts';
import { waitFor } from '../helpers/wait.ts';
import { ClientPool } from '../helpers/ws-client.ts';

const FLOW = `
wsflow: 1
name: run-channels
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /r, upgradePath: '/{room}' }
  - { id: svc, type: service, channels: [{ name: 'room:{room}', history: { size: 10 } }] }
  - { id: on-open, type: onOpen }
  - { id: join, type: subscribe, channel: 'room:{room}' }
  - { id: on-text, type: onText }
  - { id: say, type: publish, channel: 'room:{room}', value: text }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-open }
  - { from: svc, to: on-text }
  - { from: on-open, to: join }
  - { from: on-text, to: say }
`;

let running: RunningFlow | undefined;
let relay: TraceRelay | undefined;
const pool = new ClientPool();
afterEach(async () => {
  relay?.close();
  pool.closeAll();
  await running?.stop();
});

it('lists each channel with its subscribers on this instance and its last offset', async () => {
  running = await start(FLOW);
  let latest: RunStats | undefined;
  relay = new TraceRelay(running, (event: StudioEvent) => {
    if (event.event === 'stats') latest = event.stats;
  });
  const a = await pool.connect(`${running.url}/r/a`);
  await pool.connect(`${running.url}/r/a`);
  a.send('one');
  a.send('two');
  await a.nextJson();
  await a.nextJson();
  const channels = await waitFor('a stats push with the channel', () => latest?.channels?.find((c) => c.lastOffset === 2), 5_000);
  expect(channels).toEqual({ service: 'svc', channel: 'room:a', subscribers: 2, lastOffset: 2, history: 2 });
});
