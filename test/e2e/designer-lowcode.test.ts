/**
 * Low-code in the real designer (real Chromium, real studio backend): build the echo-lowcode flow
 * from an empty canvas with the palette, edges and the action forms only (typing with the
 * keyboard, no snippet editor), see it validate, view the generated code, run it and see the echo
 * in a test client; then convert the chain to code and undo that.
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { dragEdge, dragFromPalette, MOD, node, openTab, selectNode, typeInto } from './ui.ts';

const h = useHarness();

/** Click a form input and type over its content with the keyboard. */

describe('designer: a flow from action nodes only', () => {
  it('builds echo-lowcode from the palette and the forms', async () => {
    const { page } = h;
    await page.locator('.canvas__empty').waitFor();
    await dragFromPalette(page, 'upgrader', 120, 80);
    await dragFromPalette(page, 'service', 420, 80);
    await dragFromPalette(page, 'onText', 120, 240);
    await dragFromPalette(page, 'reply', 420, 240);
    await dragFromPalette(page, 'onBinary', 120, 380);
    await dragFromPalette(page, 'reply', 420, 380);
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(6);

    await dragEdge(page, 'upgrader', 'service');
    await dragEdge(page, 'service', 'on-text');
    await dragEdge(page, 'service', 'on-binary');
    await dragEdge(page, 'on-text', 'reply');
    await dragEdge(page, 'on-binary', 'reply-2');
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(5);

    await selectNode(page, 'upgrader');
    await typeInto(h.page, '[data-testid="upgrader-basePath"]', '/chat');
    await selectNode(page, 'reply');
    await typeInto(h.page, '[data-testid="action-value"]', 'text');
    await expect(node(page, 'reply').locator('.card__code').textContent()).resolves.toBe('text');
    await selectNode(page, 'reply-2');
    await typeInto(h.page, '[data-testid="action-value"]', 'dta');
    // The backend's type check puts a located message under the field; fixing it clears it.
    await page.locator('.field__error', { hasText: "Cannot find name 'dta'" }).waitFor({ timeout: 60_000 });
    await typeInto(h.page, '[data-testid="action-value"]', 'data');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await typeInto(h.page, '[data-testid="flow-name"]', 'echo-lowcode');

    // Wired to a chain, the handlers have no snippet: the backend finds nothing to complain about.
    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-testid="snippet-editor"]').count()).resolves.toBe(0);

    // "View code": the TypeScript the chain compiles to.
    await selectNode(page, 'on-text');
    await page.click('[data-testid="chain-view-code"]');
    await expect(page.locator('[data-testid="chain-code"]').textContent()).resolves.toContain('conn.send(text);');
  });

  it('runs it and a test client gets its text back', async () => {
    const { page } = h;
    await typeInto(h.page, '[data-testid="run-port"]', '0');
    await page.click('[data-testid="run-start"]');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
    await openTab(page, 'clients');
    await page.click('[data-testid="client-connect"]');
    const message = page.locator('[data-testid="client-c1"] [data-testid="client-message"]');
    await message.click();
    await page.keyboard.type('hello low-code', { delay: 10 });
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="client-c1"] [data-testid="client-timeline"] .tl--received', { hasText: 'hello low-code' }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(os.tmpdir(), 'wsflow-designer-lowcode.png') });
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 20_000 });
  });

  it('converts the chain to an editable snippet, and Undo brings the chain back', async () => {
    const { page } = h;
    await selectNode(page, 'on-text');
    await page.click('[data-testid="chain-convert"]');
    await node(page, 'reply').waitFor({ state: 'detached' });
    await page.locator('[data-testid="snippet-editor"]').waitFor();
    await expect(page.locator('[data-testid="snippet-editor"] .view-lines').innerText()).resolves.toMatch(/conn\.send\(text\);/);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press(`${MOD}+Z`);
    await node(page, 'reply').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(5);
  });
});
