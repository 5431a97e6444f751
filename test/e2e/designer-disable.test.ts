/**
 * Issue 28, point 6 (disable a node): a step disabled from its context menu stays on the canvas,
 * greyed, and in the file (`disabled: true`); the live run passes through it to the next step;
 * Ctrl+Shift+D enables it again.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { useHarness, type Harness } from './harness.ts';
import { MOD, node, selectNode } from './ui.ts';

/** echo-lowcode with two steps on text: reply-a ('A:' + text), then reply-text ('B:' + text). */
const TWO_STEPS = readFileSync(path.join(REPO, 'samples/echo-lowcode.wsflow.yaml'), 'utf8')
  .replace('    value: text\n', "    value: \"'B:' + text\"\n")
  .replace('  - id: on-binary\n', "  - id: reply-a\n    type: reply\n    position: { x: 900, y: -120 }\n    value: \"'A:' + text\"\n  - id: on-binary\n")
  .replace('  - { from: on-text, to: reply-text }', '  - { from: on-text, to: reply-a }\n  - { from: reply-a, to: reply-text }');

const h = useHarness({ files: { 'two.wsflow.yaml': TWO_STEPS }, open: 'two.wsflow.yaml' });

/** The reload note as it reads now (before an edit, to tell the next reload from the last one). */
async function noteNow(h: Harness): Promise<string> {
  const note = h.page.locator('[data-testid="reload-note"]');
  return (await note.count()) > 0 ? ((await note.textContent()) ?? '') : '';
}

/**
 * The live reload that follows an edit: "reloaded HH:MM:SS" other than the note before the edit.
 * ("changes pending" in between can come and go before a look catches it: seen once in CI.)
 */
async function reloaded(h: Harness, before: string): Promise<void> {
  await h.page.waitForFunction(
    (prev) => {
      const text = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('[data-testid="reload-note"]')?.textContent ?? '';
      return text.startsWith('reloaded') && text !== prev;
    },
    before,
    { timeout: 40_000 },
  );
}

describe('disable a node', () => {
  it('greys a disabled step, skips it in the live run and the file keeps it; Ctrl+Shift+D enables it', async () => {
    const { page } = h;
    await node(page, 'reply-a').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="run-port"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('0');
    await page.locator('[data-testid="run-start"]').click();
    const status = await page.locator('[data-testid="run-status"]').textContent({ timeout: 60_000 });
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(status ?? '')?.[0];
    expect(url, `run status: ${status}`).toBeTruthy();
    const client = await TestClient.connect(`${url}/chat`);
    try {
      client.send('hi');
      await expect(client.nextText()).resolves.toBe('A:hi');
      await expect(client.nextText()).resolves.toBe('B:hi');

      // Right click, Disable / enable: greyed, and the run goes straight to the next step.
      const firstNote = await noteNow(h);
      await node(page, 'reply-a').locator('.card__head').click({ button: 'right' });
      await page.locator('[data-testid="ctx-edit.toggleDisabled"]').click();
      await node(page, 'reply-a').locator('.card--disabled').waitFor({ timeout: 5000 });
      await reloaded(h, firstNote);
      client.send('x');
      await expect(client.nextText()).resolves.toBe('B:x');
      await h.shot('designer-disabled-node');
      // Disabled is not an error: nothing blocks the run, the reload went through.
      await expect(page.locator('[data-testid="reload-note"]').textContent()).resolves.not.toContain('not reloaded');

      await page.keyboard.press(`${MOD}+S`);
      await expect.poll(() => readFileSync(path.join(h.dir, 'two.wsflow.yaml'), 'utf8'), { timeout: 10_000 }).toMatch(/id: reply-a\n\s+type: reply\n\s+disabled: true/);

      // The keyboard: Ctrl+Shift+D on the selected node enables it again.
      await selectNode(page, 'reply-a');
      const secondNote = await noteNow(h);
      await page.keyboard.press(`${MOD}+Shift+D`);
      await node(page, 'reply-a').locator('.card--disabled').waitFor({ state: 'detached', timeout: 5000 });
      await reloaded(h, secondNote);
      client.send('y');
      await expect(client.nextText()).resolves.toBe('A:y');
      await expect(client.nextText()).resolves.toBe('B:y');
    } finally {
      await client.close();
      await page.locator('[data-testid="run-stop"]').click();
    }
  });
});
