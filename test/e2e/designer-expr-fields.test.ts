/**
 * Issue 28, point 1: an action node's expression and template fields are one-line Monaco editors
 * with the snippet editor's completion (`conn.`, `vars.`, `json.`) and squiggles, typed into key
 * by key; Enter adds no line; only the selected node's form has editors. Keys typed before the
 * editor has loaded are kept.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { startHarness, useHarness } from './harness.ts';
import { MOD, node, selectNode } from './ui.ts';

const ECHO_LOWCODE = readFileSync(path.join(REPO, 'samples/echo-lowcode.wsflow.yaml'), 'utf8');

const h = useHarness({ files: { 'echo-lowcode.wsflow.yaml': ECHO_LOWCODE }, open: 'echo-lowcode.wsflow.yaml' });

describe('expression fields', () => {
  it('complete conn., squiggle an unknown name, take every typed key and stay one line', async () => {
    const { page } = h;
    await node(page, 'reply-text').waitFor({ timeout: 20_000 });
    await selectNode(page, 'reply-text');
    const field = page.locator('[data-testid="action-value"]');
    const editor = field.locator('.monaco-editor');
    await editor.locator('.view-line').first().waitFor({ timeout: 30_000 });
    // Only this form's fields have editors (message and value), none for the other nodes.
    await expect(page.locator('.monaco-editor').count()).resolves.toBe(2);

    await field.click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('conn.', { delay: 20 });
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.filter({ hasText: 'params' }).first().waitFor({ timeout: 30_000 });
    await expect(suggest.filter({ hasText: 'send' }).count()).resolves.toBeGreaterThan(0);
    await h.shot('designer-expr-completion');
    await page.keyboard.press('Escape');

    // A name that is not on Connection: squiggled, as in a snippet.
    await page.keyboard.type('paramz', { delay: 20 });
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Backspace');
    await page.keyboard.type("s.name + ' says ' + text", { delay: 20 });
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
    // Enter picks nothing and adds no line.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await expect(editor.locator('.view-line').count()).resolves.toBe(1);
    await expect(node(page, 'reply-text').textContent()).resolves.toContain("conn.params.name + ' says ' + text");

    // vars and json are in scope in an onText chain.
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('va', { delay: 20 });
    await suggest.filter({ hasText: 'vars' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('jsn', { delay: 20 });
    await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('json.from', { delay: 20 });
    await editor.locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.keyboard.press('Escape');

    // Another node: its editors replace these (no editor is left behind).
    await selectNode(page, 'reply-binary');
    await page.locator('[data-testid="action-value"] .view-line', { hasText: 'data' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('.monaco-editor').count()).resolves.toBe(2);
  });
});

describe('typing before the editor has loaded', () => {
  it('keeps every key typed at once after selecting a node, and the caret, when Monaco takes over', async () => {
    // A fresh page: the editor's code has not been loaded yet when the field first shows.
    const fresh = await startHarness({ files: { 'echo-lowcode.wsflow.yaml': ECHO_LOWCODE }, open: 'echo-lowcode.wsflow.yaml' });
    try {
      const { page } = fresh;
      // Hold the editor's code, as a slow disk or network would, until the first keys are typed:
      // on a quiet machine it loads faster than a person types, and the race would not happen.
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/assets/monaco-setup-*.js', async (route) => {
        await held;
        await route.continue();
      });
      await node(page, 'reply-text').waitFor({ timeout: 20_000 });
      await selectNode(page, 'reply-text');
      const field = page.locator('[data-testid="action-value"]');
      // Count the keys that arrive before the field has its Monaco editor, in the page itself.
      await page.evaluate(() => {
        const w = globalThis as unknown as { __keysBeforeMonaco: number };
        w.__keysBeforeMonaco = 0;
        document.addEventListener('keydown', () => {
          if (!document.querySelector('[data-testid="action-value"] .monaco-editor')) w.__keysBeforeMonaco++;
        }, true);
      });
      await field.click();
      await page.keyboard.press(`${MOD}+A`);
      const first = "conn.params.name + ' typed fast'";
      await page.keyboard.type(first, { delay: 5 });
      const keysBeforeMonaco = await page.evaluate(() => (globalThis as unknown as { __keysBeforeMonaco: number }).__keysBeforeMonaco);
      release();
      await field.locator('.monaco-editor .view-line').first().waitFor({ timeout: 30_000 });
      // The caret is where the typing left it: the next keys append.
      await page.keyboard.type(' + text', { delay: 5 });
      const want = `${first} + text`;
      await expect.poll(() => node(page, 'reply-text').locator('.card__code').textContent(), { timeout: 10_000 }).toBe(want);
      await expect(field.locator('.view-line').first().textContent()).resolves.toBe(want.replace(/ /g, '\u00a0'));
      await fresh.shot('designer-expr-typed-before-load');
      // The race this test is about happened: keys went in before Monaco was there.
      expect(keysBeforeMonaco, 'Monaco was already loaded: the test typed nothing before it').toBeGreaterThan(3);
    } finally {
      await fresh.close();
    }
  });
});
