/**
 * Room to work and nodes that land well: the inspector and the dock resize by dragging, collapse,
 * and remember their sizes; the snippet editor maximises; the designer is usable at 1024x700 and
 * the minimap stays off the nodes; dropped, clicked, quick-added and pasted nodes never overlap
 * and the first drop does not refit the view; a handler's event switch rewrites its untouched
 * stub; flow YAML goes through the system clipboard; the context menu and the shortcuts sheet.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { dragFromPalette, dragSplitter, MOD, node, selectNode } from './ui.ts';

const h = useHarness();

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(selector: string): Promise<Box> {
  const b = await h.page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`not visible: ${selector}`);
  return b;
}

async function nodeBoxes(): Promise<Box[]> {
  const all = await h.page.locator('.react-flow__node').all();
  return Promise.all(all.map(async (n) => (await n.boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 }));
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function expectNoOverlap(boxes: Box[]): void {
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!), `nodes ${i} and ${j}`).toBe(false);
}

const zoom = async () => Number(/scale\(([-\d.]+)\)/.exec((await h.page.locator('.react-flow__viewport').getAttribute('style')) ?? '')?.[1]);

describe('placement', () => {
  it('drops, clicks and quick-adds nodes on free spots without refitting the view', async () => {
    const { page } = h;
    const before = await zoom();
    await dragFromPalette(page, 'upgrader', 200, 200);
    await node(page, 'upgrader').waitFor();
    // The first drop on an empty canvas keeps the zoom (no fit to that single node).
    expect(await zoom()).toBe(before);
    // A second drop on the same spot goes beside it.
    await dragFromPalette(page, 'service', 200, 200);
    await node(page, 'service').waitFor();
    expect(await zoom()).toBe(before);
    // Two clicks on a palette item: both in the middle of the view, neither on top of the other.
    await page.click('[data-testid="palette-onText"]');
    await page.click('[data-testid="palette-onText"]');
    await node(page, 'on-text-2').waitFor();
    // Quick-add by typing on the canvas: a letter opens the picker with it.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.type('o');
    await page.locator('[data-testid="quick-add-input"]').waitFor();
    await page.keyboard.type('nclo');
    await page.keyboard.press('Enter');
    await node(page, 'on-close').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    expectNoOverlap(await nodeBoxes());
  });

  it('shows a just-added node as a hint, and its problems as errors once the user moves on', async () => {
    const { page } = h;
    // on-close was just added and is selected: a hint, no red badge.
    await page.locator('[data-testid="fresh-hint"]').waitFor({ timeout: 90_000 });
    await expect(node(page, 'on-close').locator('[data-testid="node-badge"]').count()).resolves.toBe(0);
    await selectNode(page, 'upgrader');
    await node(page, 'on-close').locator('[data-testid="node-badge"]').waitFor({ timeout: 90_000 });
  });

  it('copies nodes as YAML to the system clipboard and pastes them on a free spot', async () => {
    const { page } = h;
    await selectNode(page, 'service');
    await node(page, 'service').locator('.card__head').click();
    await page.keyboard.press(`${MOD}+C`);
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toMatch(/^nodes:\n {2}- id: service\n {4}type: service\n/);
    await page.keyboard.press(`${MOD}+V`);
    await node(page, 'service-2').waitFor();
    await page.keyboard.press(`${MOD}+V`);
    await node(page, 'service-3').waitFor();
    expectNoOverlap(await nodeBoxes());

    // Flow YAML copied in a text editor (put on the system clipboard here) pastes as nodes and edges.
    const yaml = 'nodes:\n  - id: ping\n    type: onText\n    code: |\n      export default function onText(conn: Connection, text: string) {\n        conn.send("pong");\n      }\n';
    await page.evaluate((text) => (globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }).navigator.clipboard.writeText(text), yaml);
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press(`${MOD}+V`);
    await node(page, 'ping').waitFor();
    expectNoOverlap(await nodeBoxes());
  });

  it('switches a handler event: an untouched stub is rewritten and a default id renamed', async () => {
    const { page } = h;
    await selectNode(page, 'on-text-2');
    await page.selectOption('[data-testid="handler-event"]', 'onClose');
    await node(page, 'on-close-2').waitFor();
    await expect(page.locator('[data-testid="node-id"]').inputValue()).resolves.toBe('on-close-2');
    await expect(node(page, 'on-close-2').locator('.card__code').textContent()).resolves.toContain("ctx.log.info('closed'");
    // Code the user wrote is kept, with a note about the signature.
    await selectNode(page, 'ping');
    await page.selectOption('[data-testid="handler-event"]', 'onOpen');
    await page.locator('[data-testid="event-note"]', { hasText: 'Your code was kept' }).waitFor();
    await expect(node(page, 'ping').locator('.card__code').textContent()).resolves.toContain('conn.send("pong")');
  });
});

describe('context menu and shortcuts', () => {
  it('opens a context menu on a node, moves with the arrow keys, and runs the command', async () => {
    const { page } = h;
    const count = await page.locator('.react-flow__node').count();
    await node(page, 'service-3').locator('.card__head').click({ button: 'right' });
    const menu = page.locator('[data-testid="context-menu"]');
    await menu.waitFor();
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).resolves.toMatch(/^Copy/);
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).resolves.toMatch(/^Duplicate/);
    // Up past the first item wraps to the last one, Delete.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent)).resolves.toMatch(/^Delete/);
    await page.keyboard.press('Enter');
    await node(page, 'service-3').waitFor({ state: 'detached' });
    expect(await page.locator('.react-flow__node').count()).toBe(count - 1);
    await page.locator('.react-flow__pane').click({ button: 'right', position: { x: 40, y: 40 } });
    await page.locator('[data-testid="ctx-edit.quickAdd"]').waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  });

  it('shows the keyboard shortcuts on ?', async () => {
    const { page } = h;
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Shift+?');
    const sheet = page.locator('[data-testid="shortcuts"]');
    await sheet.waitFor();
    await expect(sheet.textContent()).resolves.toMatch(/Save.*Ctrl\+S/);
    await expect(sheet.getAttribute('aria-modal')).resolves.toBe('true');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
  });
});

describe('layout', () => {
  it('resizes the inspector and the dock by dragging, collapses them, and remembers the sizes', async () => {
    const { page } = h;
    const inspector = await box('[data-testid="inspector-slot"]');
    await dragSplitter(page, 'splitter-inspector', -100, 0);
    expect(Math.round((await box('[data-testid="inspector-slot"]')).width - inspector.width)).toBe(100);

    const dock = await box('.dock');
    await dragSplitter(page, 'splitter-dock', 0, -60);
    expect(Math.round((await box('.dock')).height - dock.height)).toBe(60);
    // The keyboard resizes too: focus the splitter, arrow keys.
    await page.locator('[data-testid="splitter-dock"]').focus();
    await page.keyboard.press('ArrowUp');
    expect(Math.round((await box('.dock')).height - dock.height)).toBe(76);

    // Collapse both; the canvas takes the room; the sizes come back after a reload.
    const canvasBefore = await box('[data-testid="canvas"]');
    await page.click('[data-testid="dock-toggle"]');
    await page.keyboard.press(`${MOD}+Alt+B`);
    await page.locator('[data-testid="inspector-slot"]').waitFor({ state: 'detached' });
    const canvasAfter = await box('[data-testid="canvas"]');
    expect(canvasAfter.width).toBeGreaterThan(canvasBefore.width + 300);
    expect(canvasAfter.height).toBeGreaterThan(canvasBefore.height + 200);
    await page.keyboard.press(`${MOD}+Alt+B`);
    await page.keyboard.press(`${MOD}+J`);
    await page.reload();
    await page.waitForSelector('[data-testid="statusbar"] .status-dot--ok', { timeout: 20_000 });
    expect(Math.round((await box('[data-testid="inspector-slot"]')).width)).toBe(Math.round(inspector.width + 100));
    expect(Math.round((await box('.dock')).height)).toBe(Math.round(dock.height + 76));
  });

  it('maximises the snippet editor', async () => {
    const { page } = h;
    await page.click('[data-testid="palette-onText"]');
    await page.locator('[data-testid="snippet-editor"] .monaco-editor').waitFor({ timeout: 30_000 });
    await page.click('[data-testid="editor-maximize"]');
    const editor = await box('[data-testid="snippet-editor"]');
    expect(editor.width).toBeGreaterThan(1200);
    expect(editor.height).toBeGreaterThan(700);
    await expect(page.locator('[data-testid="canvas"]').isVisible()).resolves.toBe(false);
    await h.shot('designer-editor-maximised');
    await page.keyboard.press(`${MOD}+Shift+M`);
    await page.locator('[data-testid="canvas"]').waitFor({ state: 'visible' });
  });

  it('is usable at 1024x700, and the fitted view keeps nodes out from under the minimap', async () => {
    const { page } = h;
    await page.setViewportSize({ width: 1024, height: 700 });
    const fits = () => h.page.evaluate(() => (globalThis as unknown as { performance: { getEntriesByName(n: string): unknown[] } }).performance.getEntriesByName('wsflow:fit-view').length);
    const fitted = await fits();
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Shift+Digit1');
    // Measure once the fit (animated for 200 ms) has finished.
    await expect.poll(fits, { timeout: 5000 }).toBeGreaterThan(fitted);
    const canvas = await box('[data-testid="canvas"]');
    expect(canvas.width).toBeGreaterThanOrEqual(420);
    // At least the 420 x 240 px the layout guarantees (a recovery banner may take some height).
    expect(canvas.height).toBeGreaterThanOrEqual(240);
    // Everything in the top bar is on screen.
    for (const id of ['run-start', 'theme-toggle', 'export', 'save']) {
      const b = await box(`[data-testid="${id}"]`);
      expect(b.x + b.width, id).toBeLessThanOrEqual(1024);
    }
    // The minimap shows when there is room for it, and then covers no node.
    if ((await page.locator('.react-flow__minimap').count()) > 0) {
      const minimap = await box('.react-flow__minimap');
      for (const b of await nodeBoxes()) expect(overlap(b, minimap)).toBe(false);
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(h.consoleErrors).toEqual([]);
  });
});
