/**
 * Two designer windows debug one run side by side (runtime/studio/debug-relay.ts): the engine
 * pauses at either window's breakpoints, each window is shown only its own pauses (and the ones of
 * connections it stepped), and a window that goes away takes its breakpoints with it and lets
 * what was paused for it go on. Before, the last window to send its breakpoints replaced the
 * other's. A real studio, a real run on port 0, real clients.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DebugPause, StudioEvent } from '../../runtime/studio/protocol.ts';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { ApiClient } from '../helpers/studio-api.ts';
import { startStudioFixture, type StudioFixture } from '../helpers/studio-fixture.ts';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';

const ECHO = readFileSync(path.join(REPO, 'samples/echo-lowcode.wsflow.yaml'), 'utf8');

/** The pauses of the latest `debug` event a window got once `ok` holds for them. */
async function pausesOf(api: ApiClient, ok: (paused: DebugPause[]) => boolean): Promise<DebugPause[]> {
  const latest = () => [...api.events].reverse().find((e): e is Extract<StudioEvent, { event: 'debug' }> => e.event === 'debug');
  const hit = await waitFor('a debug event', () => {
    const last = latest();
    return last !== undefined && ok(last.paused) ? { paused: last.paused } : undefined;
  }, 10_000, 20);
  return hit.paused;
}
const at = (paused: DebugPause[]) => paused.map((p) => p.nodeId).sort();

let fixture: StudioFixture | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await fixture?.close();
  fixture = undefined;
});

describe('breakpoints of several designer windows', () => {
  it('pause at each window’s own, are shown only to it, and go with the window', async () => {
    fixture = await startStudioFixture({ flow: { file: 'echo-lowcode.wsflow.yaml', text: ECHO } });
    const a = fixture.api;
    const b = await ApiClient.connect(fixture.studio);
    closers.push(async () => b.socket.close());
    const run = await a.call('start', { text: ECHO, path: 'echo-lowcode.wsflow.yaml', port: 0 });
    await a.call('debugBreakpoints', { nodeIds: ['reply-text'] });
    await b.call('debugBreakpoints', { nodeIds: ['reply-binary'] });

    const texter = await TestClient.connect(`${run.url}/chat`);
    closers.push(async () => void (await texter.close()));
    const binary = await TestClient.connect(`${run.url}/chat`);
    closers.push(async () => void (await binary.close()));

    // A's breakpoint still holds after B sent its own: the text pauses, for A only.
    texter.send('hello');
    const aPaused = await pausesOf(a, (p) => p.length === 1);
    expect(at(aPaused)).toEqual(['reply-text']);
    expect(await pausesOf(b, () => true)).toEqual([]);

    // B's pauses at its breakpoint; each window sees its own.
    binary.send(Buffer.from([1, 2, 3]));
    expect(at(await pausesOf(b, (p) => p.length === 1))).toEqual(['reply-binary']);
    expect(at(await pausesOf(a, (p) => p.length === 1))).toEqual(['reply-text']);

    // A lets its connection go on: the echo comes back; B's stays paused.
    await a.call('debugCommand', { cmd: 'continue', connectionId: aPaused[0]!.connectionId });
    await expect(texter.nextText()).resolves.toBe('hello');
    await pausesOf(a, (p) => p.length === 0);
    expect(at(await pausesOf(b, (p) => p.length === 1))).toEqual(['reply-binary']);

    // B goes away: its breakpoint is gone and what was paused for it goes on.
    b.socket.close();
    const echoed = await binary.next();
    expect(Buffer.isBuffer(echoed) ? [...echoed] : echoed).toEqual([1, 2, 3]);
    binary.send(Buffer.from([4]));
    expect(await binary.next()).toEqual(Buffer.from([4]));
    // A's breakpoint is still there.
    texter.send('again');
    expect(at(await pausesOf(a, (p) => p.length === 1))).toEqual(['reply-text']);
  });
});
