/**
 * Issue 28, point 6 (group / frame): two selected nodes grouped with Ctrl+G get a labelled frame
 * behind them; renamed by a double click and typing; dragging the frame moves both nodes and no
 * other; the file keeps it as designer layout data (`designer.frames`), the nodes' positions moved.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { useHarness } from './harness.ts';
import { MOD, node, selectNode } from './ui.ts';

const ECHO_LOWCODE = readFileSync(path.join(REPO, 'samples/echo-lowcode.wsflow.yaml'), 'utf8');

const h = useHarness({ files: { 'echo-lowcode.wsflow.yaml': ECHO_LOWCODE }, open: 'echo-lowcode.wsflow.yaml' });

const saved = (): FlowDocument => parse(readFileSync(path.join(h.dir, 'echo-lowcode.wsflow.yaml'), 'utf8')) as FlowDocument;
const x = (flow: FlowDocument, id: string) => flow.nodes.find((n) => n.id === id)?.position?.x ?? NaN;

describe('frames', () => {
  it('groups two nodes in a labelled frame that moves them, saved as designer data', async () => {
    const { page } = h;
    await node(page, 'reply-text').waitFor({ timeout: 20_000 });
    await selectNode(page, 'on-text');
    await node(page, 'reply-text').locator('.card__head').click({ modifiers: ['Control'] });
    await page.keyboard.press(`${MOD}+G`);
    const frame = page.locator('[data-testid="frame-frame-1"]');
    await frame.waitFor({ timeout: 5000 });
    await expect(frame.locator('[data-testid="frame-label"]').textContent()).resolves.toBe('Group 1');

    await frame.locator('[data-testid="frame-label"]').dblclick();
    const input = page.locator('[data-testid="frame-label-input"]');
    await input.waitFor({ timeout: 5000 });
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('Text path', { delay: 10 });
    await page.keyboard.press('Enter');
    await frame.locator('[data-testid="frame-label"]', { hasText: 'Text path' }).waitFor({ timeout: 5000 });

    // The frame encloses both nodes.
    const f = await frame.boundingBox();
    for (const id of ['on-text', 'reply-text']) {
      const b = await node(page, id).boundingBox();
      expect(f && b && b.x >= f.x && b.y >= f.y && b.x + b.width <= f.x + f.width && b.y + b.height <= f.y + f.height, id).toBe(true);
    }
    await h.shot('designer-frame');

    // Drag the frame by its label strip, 150 px to the right.
    const label = await frame.locator('[data-testid="frame-label"]').boundingBox();
    if (!label) throw new Error('no frame label');
    const before = saved();
    await page.mouse.move(label.x + label.width + 20, label.y + label.height / 2);
    await page.mouse.down();
    await page.mouse.move(label.x + label.width + 95, label.y + label.height / 2, { steps: 5 });
    await page.mouse.move(label.x + label.width + 170, label.y + label.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.press(`${MOD}+S`);
    await expect.poll(() => saved().designer?.frames?.[0]?.label, { timeout: 10_000 }).toBe('Text path');
    const after = saved();
    expect(after.designer?.frames).toEqual([{ id: 'frame-1', label: 'Text path', nodes: ['on-text', 'reply-text'] }]);
    const moved = x(after, 'on-text') - x(before, 'on-text');
    expect(moved).toBeGreaterThan(50);
    expect(x(after, 'reply-text') - x(before, 'reply-text')).toBe(moved);
    expect(x(after, 'on-binary')).toBe(x(before, 'on-binary'));

    // Remove frame: the nodes stay where they are.
    await selectNode(page, 'on-text');
    await page.keyboard.press(`${MOD}+Shift+G`);
    await frame.waitFor({ state: 'detached', timeout: 5000 });
    await expect(node(page, 'on-text').count()).resolves.toBe(1);
  });
});
