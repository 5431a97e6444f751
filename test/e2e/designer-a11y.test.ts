/**
 * Accessibility of the designer: axe-core over the main states in both themes (zero serious or
 * critical violations), dialogs that keep focus, menus driven by the arrow keys, nodes with
 * names, connecting two nodes by keyboard; and `wsflow studio NEW.wsflow.yaml` creating a starter.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { axeViolations } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';
import { MOD, node, selectNode } from './ui.ts';

const CHAT = readFileSync(new URL('../../samples/chat.wsflow.yaml', import.meta.url), 'utf8');
/** echo-lowcode with a frame around the text path and the binary reply disabled. */
const LOWCODE = readFileSync(new URL('../../samples/echo-lowcode.wsflow.yaml', import.meta.url), 'utf8')
  .replace('    value: data\n', '    disabled: true\n    value: data\n')
  .concat('designer:\n  frames:\n    - { id: frame-1, label: Text path, nodes: [on-text, reply-text] }\n');

const activeText = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '');
const focusInside = (page: Page, selector: string) =>
  page.evaluate((s) => !!(globalThis as unknown as { document: { activeElement: { closest(q: string): unknown } | null } }).document.activeElement?.closest(s), selector);

let h: Harness;

beforeAll(async () => {
  await ensureRendererBuilt();
  h = await startHarness({ files: { 'chat.wsflow.yaml': CHAT, 'echo-lowcode.wsflow.yaml': LOWCODE }, open: 'chat.wsflow.yaml', bypassCSP: true });
  await h.page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 120_000 });
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violations in the ${theme} theme`, async () => {
      const { page } = h;
      if ((await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme)) !== theme) {
        await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
        await page.keyboard.press('Alt+T');
      }
      const found: string[] = [];
      found.push(...(await axeViolations(page)));
      await selectNode(page, 'on-text');
      await page.locator('[data-testid="snippet-editor"] .monaco-editor .view-line').first().waitFor({ timeout: 30_000 });
      found.push(...(await axeViolations(page)));
      if (theme === 'dark') await h.shot('designer-dark');
      await page.click('[data-testid="menu-File"]');
      found.push(...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      await page.keyboard.press(`${MOD}+E`);
      await page.locator('[data-testid="dialog-export"]').waitFor();
      found.push(...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page.keyboard.press('Shift+?');
      await page.locator('[data-testid="shortcuts"]').waitFor();
      found.push(...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      // Every bottom panel.
      for (const tab of ['environment', 'trace', 'clients', 'tests', 'metrics', 'problems']) {
        await page.locator(`[data-testid="tab-${tab}"]`).click();
        await page.locator(`[data-testid="tab-${tab}"][aria-selected="true"]`).waitFor();
        found.push(`${tab}:`, ...(await axeViolations(page)));
      }
      // Find, Add node, a node's context menu.
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page.keyboard.press(`${MOD}+F`);
      await page.locator('[role="dialog"]').first().waitFor();
      found.push('find:', ...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      await page.keyboard.press(`${MOD}+K`);
      await page.locator('[role="dialog"]').first().waitFor();
      found.push('add node:', ...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      await node(page, 'on-text').locator('.card__head').click({ button: 'right' });
      await page.locator('[data-testid="context-menu"]').waitFor();
      found.push('context menu:', ...(await axeViolations(page)));
      await page.keyboard.press('Escape');
      expect(found.filter((f) => !f.endsWith(':'))).toEqual([]);
    });
  }

  it('keeps focus in a modal dialog (aria-modal) and gives it back on close', async () => {
    const { page } = h;
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press(`${MOD}+E`);
    const dialog = page.locator('[data-testid="dialog-export"]');
    await dialog.waitFor();
    await expect(dialog.getAttribute('aria-modal')).resolves.toBe('true');
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      expect(await focusInside(page, '[data-testid="dialog-export"]'), `after Tab ${i + 1}`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('opens and walks the menus with the arrow keys', async () => {
    const { page } = h;
    await page.locator('[data-testid="menu-File"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('[role="menu"][aria-label="File"]').waitFor();
    expect(await activeText(page)).toMatch(/^New flow/);
    await page.keyboard.press('ArrowDown');
    expect(await activeText(page)).toMatch(/^Open/);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await activeText(page)).toMatch(/^Import AsyncAPI/);
    await page.keyboard.press('ArrowRight');
    await page.locator('[role="menu"][aria-label="Edit"]').waitFor();
    // Focus is on the first enabled item of the Edit menu.
    expect(await focusInside(page, '[role="menu"][aria-label="Edit"] [role="menuitem"]')).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('[role="menu"]').waitFor({ state: 'detached' });
    expect(await activeText(page)).toBe('Edit');
  });

  it('names the nodes and connects two by keyboard', async () => {
    const { page } = h;
    await expect(node(page, 'on-text').getAttribute('aria-label')).resolves.toBe('onText handler on-text');
    await expect(node(page, 'upgrader').getAttribute('aria-label')).resolves.toBe('upgrader upgrader');
    // Remove the edge chat -> on-close, then draw it again from the keyboard.
    await selectNode(page, 'on-close');
    const edges = await page.locator('.react-flow__edge').count();
    await page.locator('.react-flow__edge[aria-label="connection from chat to on-close"]').click({ force: true });
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges - 1);
    await node(page, 'on-close').locator('.card__head').click();
    await page.keyboard.press(`${MOD}+Shift+C`);
    await page.locator('[data-testid="connect-to"]').waitFor();
    await page.keyboard.type('chat');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(edges);
    await page.locator('.react-flow__edge[aria-label="connection from chat to on-close"]').waitFor({ state: 'attached' });
    expect(h.consoleErrors).toEqual([]);
  });

  // After the main views of both themes: this opens another flow, so it comes last.
  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe violations on a low-code flow with a frame, a disabled node and expression editors (${theme})`, async () => {
      const { page } = h;
      if ((await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { dataset: { theme?: string } } } }).document.documentElement.dataset.theme)) !== theme) {
        await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
        await page.keyboard.press('Alt+T');
      }
      if ((await node(page, 'reply-text').count()) === 0) {
        await page.locator('[data-testid="menu-File"]').click();
        await page.locator('[data-testid="cmd-file.open"]').click();
        await page.locator('[data-testid="open-echo-lowcode.wsflow.yaml"]').click();
        await node(page, 'reply-text').waitFor({ timeout: 20_000 });
      }
      await selectNode(page, 'reply-text');
      await page.locator('[data-testid="action-value"] .monaco-editor .view-line').first().waitFor({ timeout: 30_000 });
      const found = await axeViolations(page);
      if (theme === 'dark') await h.shot('designer-lowcode-dark');
      expect(found).toEqual([]);
    });
  }
});

describe('wsflow studio NEW.wsflow.yaml', () => {
  it('creates a starter flow there, says so, and opens it', async () => {
    const fresh = await startHarness({ cli: true, open: 'brand-new.wsflow.yaml', browser: h.browser });
    try {
      const file = path.join(fresh.dir, 'brand-new.wsflow.yaml');
      expect(existsSync(file)).toBe(true);
      const parsed = parseFlow(readFileSync(file, 'utf8'), file);
      expect(parsed.problems).toEqual([]);
      expect(parsed.flow?.name).toBe('brand-new');
      await node(fresh.page, 'on-text').waitFor({ timeout: 20_000 });
      await expect(fresh.page.locator('.react-flow__node').count()).resolves.toBe(3);
    } finally {
      await fresh.close();
    }
  });
});
