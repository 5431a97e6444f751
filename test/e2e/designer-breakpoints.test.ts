/**
 * Breakpoints in the designer (issue 27, DESIGN.md "Seeing and debugging a chain"), typing and
 * clicking as a person in real Chromium against the real studio: F9 on a selected `reply` step
 * marks its card; client A's message pauses there and the Debug panel shows it while client B,
 * connecting meanwhile, gets its greeting; a `vars` value is changed by typing; F10 runs to the
 * next node, F5 finishes A's event. Breakpoints never reach the flow file. Takes the docs' pictures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TestClient } from '../helpers/ws-client.ts';
import { useHarness } from './harness.ts';
import { MOD, node, openTab, selectNode } from './ui.ts';

const FLOW = `wsflow: 1
name: breakpoints
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 60 }
    basePath: /room/{room}
  - id: service
    type: service
    position: { x: 300, y: 60 }
  - id: on-open
    type: onOpen
    position: { x: 600, y: -80 }
  - id: greet
    type: reply
    position: { x: 880, y: -80 }
    value: "'welcome'"
  - id: on-text
    type: onText
    position: { x: 600, y: 140 }
  - id: remember
    type: set
    position: { x: 880, y: 140 }
    target: var
    name: who
    value: "json?.name ?? text"
  - id: answer
    type: reply
    position: { x: 1160, y: 140 }
    message: "hi \${vars.who} in \${conn.params.room}"
  - id: bye
    type: reply
    position: { x: 1440, y: 140 }
    value: "'done'"
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-open }
  - { from: on-open, to: greet }
  - { from: service, to: on-text }
  - { from: on-text, to: remember }
  - { from: remember, to: answer }
  - { from: answer, to: bye }
`;

const TESTS = `wsflowTest: 1
tests:
  - name: zed says hi
    clients:
      zed: { path: /room/green }
    steps:
      - connect: zed
      - expect: zed
        text: welcome
      - send: zed
        json: { name: Zed }
      - expect: zed
        text: hi Zed in green
`;

const h = useHarness({ files: { 'bp.wsflow.yaml': FLOW, 'bp.wsflow.test.yaml': TESTS }, open: 'bp.wsflow.yaml' });
const clientB: TestClient[] = [];

// Runs before the harness closes (after-hooks run in reverse order of declaration).
afterAll(() => {
  for (const c of clientB) c.socket.terminate();
});

const client = () => h.page.locator('[data-testid="client-c1"]');
const panel = () => h.page.locator('[data-testid="debug-panel"]');
const received = (text: string) => client().locator('[data-testid="client-timeline"] .tl--received', { hasText: text });

describe('breakpoints in the designer', () => {
  it('pauses client A at a reply step while client B is served; F10 steps, F5 continues', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 120_000 });

    // F9 on the selected reply step: its card shows the mark.
    await selectNode(page, 'answer');
    await page.keyboard.press('F9');
    await node(page, 'answer').locator('[data-testid="breakpoint-answer"]').waitFor({ timeout: 5000 });

    // Run on a free port.
    await page.locator('[data-testid="run-port"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('0');
    await page.keyboard.press('F5');
    const status = await page.locator('[data-testid="run-status"]').textContent({ timeout: 30_000 });
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(status ?? '')?.[0];
    expect(url, `run status: ${status}`).toBeTruthy();

    // Client A: a test client of the designer, in room "blue".
    await openTab(page, 'clients');
    await page.locator('[data-testid="client-param-room"]').click();
    await page.keyboard.type('blue');
    await page.click('[data-testid="client-connect"]');
    await page.locator('[data-testid="client-c1"].client--open').waitFor({ timeout: 15_000 });
    await received('welcome').waitFor({ timeout: 15_000 });
    await client().locator('[data-testid="client-message"]').click();
    await page.keyboard.type('{"name":"Ann"}');
    await page.keyboard.press('Enter');

    // A pauses at the breakpoint: the Debug panel opens on it, with A's message and values.
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at answer' }).waitFor({ timeout: 15_000 });
    await expect(panel().locator('[data-testid="debug-message"]').textContent()).resolves.toBe('{"name":"Ann"}');
    await expect(panel().locator('[data-testid="debug-json"]').textContent()).resolves.toContain('"name": "Ann"');
    await expect(panel().locator('[data-testid="debug-params"]').textContent()).resolves.toContain('"room": "blue"');
    await expect(panel().locator('[data-testid="debug-var-who"]').inputValue()).resolves.toBe('"Ann"');
    // The paused connection's node is lit on the canvas.
    await node(page, 'answer').locator('[data-testid="paused-at-answer"]').waitFor({ timeout: 5000 });

    // Client B connects meanwhile and gets its greeting: only A waits.
    const b = await TestClient.connect(`${url}/room/red`);
    clientB.push(b);
    expect(await b.next()).toBe('welcome');
    await h.shot('designer-debug-paused');
    // A has had its greeting, not the reply it waits for.
    await openTab(page, 'clients');
    await received('welcome').waitFor({ timeout: 5000 });
    await expect(received('hi').count()).resolves.toBe(0);
    await openTab(page, 'debug');

    // Change vars.who by typing, before A goes on.
    await panel().locator('[data-testid="debug-var-who"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('"Bob"');
    await page.keyboard.press('Enter');

    // F10: the reply runs (with the new value) and A pauses at the next node.
    await page.keyboard.press('F10');
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at bye' }).waitFor({ timeout: 15_000 });
    await openTab(page, 'clients');
    await received('hi Bob in blue').waitFor({ timeout: 15_000 });
    await expect(received('done').count()).resolves.toBe(0);
    await openTab(page, 'debug');
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at bye' }).waitFor({ timeout: 15_000 });
    await node(page, 'bye').locator('[data-testid="paused-at-bye"]').waitFor({ timeout: 5000 });

    // F5: A's event finishes; nothing is paused any more.
    await page.keyboard.press('F5');
    await panel().locator('[data-testid="debug-empty"]').waitFor({ timeout: 15_000 });
    await openTab(page, 'clients');
    await received('done').waitFor({ timeout: 15_000 });
    await openTab(page, 'debug');
    await expect(page.locator('[data-testid^="paused-at-"]').count()).resolves.toBe(0);
    // Still running (F5 continued, it did not restart), and the breakpoint stays.
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 5000 });
    await node(page, 'answer').locator('[data-testid="breakpoint-answer"]').waitFor({ timeout: 5000 });

    // Breakpoints are the designer's, not the flow's: the document is not changed by them.
    await expect(page.locator('[data-testid="dirty-marker"]').count()).resolves.toBe(0);
    await expect(readFile(path.join(h.dir, 'bp.wsflow.yaml'), 'utf8')).resolves.toBe(FLOW);
    // F9 again removes it.
    await selectNode(page, 'answer');
    await page.keyboard.press('F9');
    await node(page, 'answer').locator('[data-testid="breakpoint-answer"]').waitFor({ state: 'detached', timeout: 5000 });
  });

  it('replays a connection of the trace and a flow test step by step at the breakpoint', async () => {
    const { page } = h;
    await selectNode(page, 'answer');
    await page.keyboard.press('F9');
    await node(page, 'answer').locator('[data-testid="breakpoint-answer"]').waitFor({ timeout: 5000 });

    // The trace's connection of client A (the one that said {"name":"Ann"}): Replay sends it again.
    await openTab(page, 'trace');
    const annRow = page.locator('[data-testid="trace-list"] .trace__row', { hasText: '{"name":"Ann"}' }).first();
    await annRow.waitFor({ timeout: 10_000 });
    const conns = await page.locator('[data-testid="trace-connection"] option').allTextContents();
    // A connected first: the first connection the trace lists.
    const first = conns.find((c) => c !== 'all');
    expect(first).toBeTruthy();
    await page.locator('[data-testid="trace-connection"]').selectOption(first as string);
    await page.click('[data-testid="trace-replay"]');
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at answer' }).waitFor({ timeout: 15_000 });
    await expect(panel().locator('[data-testid="debug-message"]').textContent()).resolves.toBe('{"name":"Ann"}');
    await expect(panel().locator('[data-testid="debug-params"]').textContent()).resolves.toContain('"room": "blue"');
    await page.keyboard.press('F5');
    await panel().locator('[data-testid="debug-empty"]').waitFor({ timeout: 15_000 });

    // A recorded flow test: Replay sends its messages, its expectations are not checked.
    await page.locator('[data-testid="tab-tests"]').click();
    await page.locator('[data-testid="test-item"]', { hasText: 'zed says hi' }).locator('[data-testid="test-replay"]').click();
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at answer' }).waitFor({ timeout: 15_000 });
    await expect(panel().locator('[data-testid="debug-json"]').textContent()).resolves.toContain('"name": "Zed"');
    await expect(panel().locator('[data-testid="debug-params"]').textContent()).resolves.toContain('"room": "green"');
    await page.keyboard.press('F10');
    await panel().locator('[data-testid="debug-where"]', { hasText: 'paused at bye' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('F5');
    await panel().locator('[data-testid="debug-empty"]').waitFor({ timeout: 15_000 });
    await openTab(page, 'clients');
    await page.locator('[data-testid="client-timeline"] .tl--received', { hasText: 'hi Zed in green' }).waitFor({ timeout: 15_000 });
  });
});
