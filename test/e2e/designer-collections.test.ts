/**
 * Issue 28, point 6 (saved messages): on the echo sample, a test client's composed message is
 * saved by name into a collection (keyboard only), written to the flow file's
 * `designer.collections` by the ordinary save, still listed after the designer is reloaded, and
 * one click on it sends it again: the echo shows in the client's timeline. Renaming and deleting
 * go through the same list; axe finds nothing serious in the panel with a collection in it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { axeViolations } from './axe.ts';
import { useHarness } from './harness.ts';
import { MOD, openTab, runOnFreePort, waitForTheme } from './ui.ts';

const ECHO = readFileSync(path.join(REPO, 'samples/echo.wsflow.yaml'), 'utf8');

const h = useHarness({ files: { 'echo.wsflow.yaml': ECHO }, open: 'echo.wsflow.yaml', bypassCSP: true });

const savedFile = () => parseFlow(readFileSync(path.join(h.dir, 'echo.wsflow.yaml'), 'utf8'), 'echo.wsflow.yaml').flow;
const timeline = (page: Page, client: string) => page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

/** Run the flow (if it is not running) and connect one client on /chat; returns its id. */
async function runAndConnect(page: Page): Promise<string> {
  await page.locator('.react-flow__node').nth(3).waitFor({ timeout: 20_000 });
  if (!(await page.locator('[data-testid="run-status"]').isVisible())) {
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    await runOnFreePort(page);
  }
  await openTab(page, 'clients');
  const before = await page.locator('.client').count();
  await page.click('[data-testid="client-connect"]');
  const card = page.locator('.client').nth(before);
  await card.locator('.tl--open').waitFor({ timeout: 10_000 });
  const id = (await card.getAttribute('data-testid'))?.replace(/^client-/, '');
  if (!id) throw new Error('the new client card has no id');
  return id;
}

describe('saved messages (collections)', () => {
  it('saves a composed message, keeps it across a reload, and re-sends it with one click', async () => {
    const { page } = h;
    const c = await runAndConnect(page);
    const card = page.locator(`[data-testid="client-${c}"]`);
    await card.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('hello there', { delay: 5 });
    // Save… opens the form with the name focused and the flow's default collection filled in.
    await card.locator('[data-testid="client-save"]').click();
    await card.locator('[data-testid="client-save-name"]').waitFor();
    await page.keyboard.type('greeting', { delay: 5 });
    await expect(card.locator('[data-testid="client-save-collection"]').inputValue()).resolves.toBe('Echo');
    await page.keyboard.press('Tab');
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('Smoke', { delay: 5 });
    await page.keyboard.press('Enter');
    await card.locator('[data-testid="client-save-form"]').waitFor({ state: 'detached' });
    const row = page.locator('[data-testid="collection-Smoke"] [data-testid="saved-greeting"]');
    await row.waitFor();
    await page.locator('[data-testid="dirty-marker"]').waitFor();
    // The composed text stays in the input: saving is not sending.
    await expect(card.locator('[data-testid="client-message"]').inputValue()).resolves.toBe('hello there');
    // axe-core with a collection listed, in both themes.
    const found = await axeViolations(page);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Alt+T');
    await waitForTheme(page, 'dark');
    found.push(...(await axeViolations(page)));
    await page.keyboard.press('Alt+T');
    await waitForTheme(page, 'light');
    expect(found).toEqual([]);

    // The ordinary save writes it beside the frames, as designer data.
    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
    expect(savedFile()?.designer?.collections).toEqual([{ name: 'Smoke', messages: [{ name: 'greeting', data: 'hello there' }] }]);
    expect(readFileSync(path.join(h.dir, 'echo.wsflow.yaml'), 'utf8')).toContain('# userver');

    // Reload the designer: the collection is read back from the file.
    await page.reload();
    await page.waitForSelector('[data-testid="statusbar"] .status-dot--ok', { timeout: 20_000 });
    const c2 = await runAndConnect(page);
    await row.waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="collections-from"]').inputValue()).resolves.toBe(c2);
    await row.locator('[data-testid="saved-send"]').click();
    await timeline(page, c2).locator('.tl--sent', { hasText: 'hello there' }).waitFor({ timeout: 10_000 });
    await timeline(page, c2).locator('.tl--received', { hasText: 'hello there' }).waitFor({ timeout: 10_000 });
    await h.shot('designer-collections');
    expect(h.consoleErrors).toEqual([]);
  });

  it('renames and deletes a saved message with the keyboard', async () => {
    const { page } = h;
    const row = page.locator('[data-testid="collection-Smoke"] [data-testid="saved-greeting"]');
    await row.locator('[data-testid="saved-rename"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="saved-rename-input"]').waitFor();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('hello', { delay: 5 });
    await page.keyboard.press('Enter');
    const renamed = page.locator('[data-testid="collection-Smoke"] [data-testid="saved-hello"]');
    await renamed.waitFor();
    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
    expect(savedFile()?.designer?.collections?.[0]?.messages).toEqual([{ name: 'hello', data: 'hello there' }]);

    await renamed.locator('[data-testid="saved-delete"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="collection-Smoke"]').waitFor({ state: 'detached' });
    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
    expect(savedFile()?.designer).toBeUndefined();
  });
});
