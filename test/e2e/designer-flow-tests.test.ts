/**
 * Flow tests in the designer: run the chat sample, have two test clients chat (typed with the
 * keyboard), record the session as a test (one expectation switched to regex), save it beside the
 * flow, see it pass in the Tests panel, break the flow (the greeting, retyped in Monaco) and see the
 * test fail at the greeting step, with the nodes that ran outlined on the canvas.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readTestText } from '../../runtime/flowtest/load.ts';
import { useHarness } from './harness.ts';
import { openTab, retypeWord, selectNode, typeInto } from './ui.ts';

const CHAT = readFileSync(new URL('../../samples/chat.wsflow.yaml', import.meta.url), 'utf8');
const h = useHarness({ files: { 'chat.wsflow.yaml': CHAT }, open: 'chat.wsflow.yaml' });

const timeline = (page: Page, client: string) => page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

async function connect(page: Page, name: string): Promise<void> {
  await openTab(page, 'clients');
  await typeInto(page, '[data-testid="client-param-name"]', name);
  await typeInto(page, '[data-testid="client-query"]', '');
  await page.click('[data-testid="client-connect"]');
}

async function testsTab(page: Page): Promise<void> {
  const button = page.locator('[data-testid="tab-tests"]');
  if ((await button.getAttribute('aria-selected')) !== 'true') await button.click();
}

describe('flow tests in the designer', () => {
  it('records a two-client chat as a test, runs it green, breaks the flow and sees it fail', async () => {
    const { page } = h;
    // F5 runs the document on screen: wait until the file has loaded (and been checked), or the
    // run would start the empty untitled flow that is shown while the file is still on its way.
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(5);
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    // A free port, as the other designer tests use: 9090 may be taken by another run on the machine.
    await typeInto(page, '[data-testid="run-port"]', '0');
    await page.keyboard.press('F5');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });

    await connect(page, 'alice');
    await timeline(page, 'c1').locator('.tl--received', { hasText: 'alice connected to chat' }).waitFor({ timeout: 10_000 });
    await connect(page, 'bob');
    await timeline(page, 'c1').locator('.tl--received', { hasText: 'bob connected to chat' }).waitFor({ timeout: 10_000 });
    await timeline(page, 'c2').locator('.tl--received', { hasText: 'bob connected to chat' }).waitFor({ timeout: 10_000 });
    await page.click('[data-testid="client-c1"] [data-testid="client-message"]');
    await page.keyboard.type('hello bob', { delay: 10 });
    await page.keyboard.press('Enter');
    await timeline(page, 'c2').locator('.tl--received', { hasText: 'alice: hello bob' }).waitFor({ timeout: 10_000 });
    await timeline(page, 'c1').locator('.tl--received', { hasText: 'alice: hello bob' }).waitFor({ timeout: 10_000 });

    // Record: name the test, compare alice's greeting by regex (chosen with the keyboard), save.
    await page.click('[data-testid="record-open"]');
    await page.locator('[data-testid="record-panel"]').waitFor();
    const steps = page.locator('[data-testid="record-steps"] li');
    await expect.poll(() => steps.count()).toBe(10);
    await expect(steps.nth(0).textContent()).resolves.toContain('alice connects');
    await expect(steps.nth(1).textContent()).resolves.toContain('alice receives "Hi alice! You have successfully connected to the chat"');
    await page.locator('[data-testid="record-mode-1"]').focus();
    await page.keyboard.type('r');
    await expect(page.locator('[data-testid="record-mode-1"]').inputValue()).resolves.toBe('regex');
    await page.click('[data-testid="record-name"]');
    await page.keyboard.type('alice and bob chat', { delay: 10 });
    const shot = path.join(os.tmpdir(), `wsflow-record-${process.pid}.png`);
    await page.screenshot({ path: shot });
    await page.click('[data-testid="record-save"]');
    await page.locator('[data-testid="tests-panel"]').waitFor({ timeout: 10_000 });

    const file = path.join(h.dir, 'chat.wsflow.test.yaml');
    expect(existsSync(file)).toBe(true);
    const saved = readFileSync(file, 'utf8');
    const parsed = readTestText(saved, { file });
    expect(parsed.problems).toEqual([]);
    expect(parsed.suite?.tests.map((t) => t.name)).toEqual(['alice and bob chat']);
    expect(saved).toContain('match: ^Hi alice! You have successfully connected to the chat$');
    expect(saved).toContain('text: "alice: hello bob"');

    // The designer's own clients leave, so the test's alice and bob are not "already taken".
    await openTab(page, 'clients');
    await page.click('[data-testid="client-c1"] [data-testid="client-close"]');
    await page.click('[data-testid="client-c2"] [data-testid="client-close"]');
    await timeline(page, 'c2').locator('.tl--close').waitFor({ timeout: 10_000 });

    await testsTab(page);
    const item = page.locator('[data-testid="test-item"]', { hasText: 'alice and bob chat' });
    await item.locator('[data-testid="test-run"]').click();
    await page.locator('[data-testid="test-item"][data-status="passed"]').waitFor({ timeout: 30_000 });

    // Break the flow: the upgrader's greeting says Hello instead of Hi (hot reloaded).
    await selectNode(page, 'upgrader');
    await retypeWord(page, 5, 20, 'Hello');
    await page.locator('[data-testid="snippet-editor"] .view-lines', { hasText: 'Hello' }).waitFor({ timeout: 5000 });

    await testsTab(page);
    // Hot reload is asynchronous (and may apply a half-typed word first): run until the whole
    // change is live (bounded).
    const failure = item.locator('[data-testid="test-failure"]');
    for (let attempt = 0; attempt < 10; attempt++) {
      await page.click('[data-testid="tests-run-all"]');
      await page.locator('[data-testid="tests-run-all"]', { hasText: 'Run all' }).waitFor({ timeout: 30_000 });
      if ((await item.getAttribute('data-status')) === 'failed' && ((await failure.textContent()) ?? '').includes('Hello alice')) break;
    }
    await expect(item.getAttribute('data-status')).resolves.toBe('failed');
    await expect(failure.textContent()).resolves.toContain('step 2 expect alice');
    await expect(failure.textContent()).resolves.toContain('received: text "Hello alice! You have successfully connected to the chat"');
    await expect(item.locator('[data-testid="test-step"]').nth(0).getAttribute('data-status')).resolves.toBe('passed');
    await expect(item.locator('[data-testid="test-step"]').nth(1).getAttribute('data-status')).resolves.toBe('failed');
    // The nodes that ran in the failing test are outlined on the canvas.
    const marks = page.locator('[data-testid="test-marks"]');
    await expect(marks.getAttribute('data-nodes')).resolves.toContain('upgrader');
    const outline = await page.locator('.react-flow [data-node-id="upgrader"]').evaluate((el) => getComputedStyle(el).boxShadow);
    expect(outline).not.toBe('none');
    await page.screenshot({ path: path.join(os.tmpdir(), `wsflow-tests-failed-${process.pid}.png`) });
    expect(h.consoleErrors).toEqual([]);
  }, 300_000);
});
