/**
 * Designer, round three (issue 28), driven as a person: the Run gate (errors shown before a run,
 * "Run anyway"), unwired nodes left out of a run and a live reload instead of refusing it, auto
 * layout that keeps branch order and readable text, the chrome (runtime notice, status bar, dock
 * tabs, the test client's path fields), Find a node and Duplicate.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, REPO } from '../../runtime/studio/renderer-build.ts';
import { axeViolations } from './axe.ts';
import { launchBrowser, startHarness, type Harness } from './harness.ts';
import { dragFromPalette, MOD } from './ui.ts';

const sample = (name: string) => readFileSync(path.join(REPO, `samples/${name}.wsflow.yaml`), 'utf8');
const ECHO_LOWCODE = sample('echo-lowcode');
const CHAT_LOWCODE = sample('chat-lowcode');
/** The snippet echo on /chat/{room}, whose text handler throws: a runtime error for the notice. */
const THROWS = sample('echo')
  .replace('basePath: /chat', 'basePath: /chat\n    upgradePath: /{room}')
  .replace('conn.send(text);', "throw new Error(`no answer for ${text}: the handler gave up after reading the whole message and the rest of the room`);");
/** The snippet echo with a type error in on-text: the backend's quick check before a run does not see it. */
const TYPE_ERROR = sample('echo').replace('conn.send(text);', 'const n: number = text;\n        conn.send(String(n));');

let browser: Browser;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** Run on a free port, the way a person does: type 0 in the port field, click Run. */
async function clickRun(h: Harness): Promise<void> {
  const { page } = h;
  await page.locator('[data-testid="run-port"]').click();
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.type('0');
  await page.locator('[data-testid="run-start"]').click();
}

describe('Run gate and unwired nodes', () => {
  let h: Harness;
  beforeAll(async () => {
    // bypassCSP only lets the test inject axe-core for the accessibility checks.
    h = await startHarness({ browser, files: { 'typed.wsflow.yaml': TYPE_ERROR, 'echo-lowcode.wsflow.yaml': ECHO_LOWCODE }, open: 'typed.wsflow.yaml', bypassCSP: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows a type error before running, and runs anyway when asked', async () => {
    const { page } = h;
    await page.locator('.react-flow__node[data-id="on-text"]').waitFor({ timeout: 20_000 });
    await clickRun(h);
    const gate = page.locator('[data-testid="dialog-run-gate"]');
    await gate.waitFor({ timeout: 60_000 });
    const rows = await gate.locator('[data-testid="run-gate-problem"]').allTextContents();
    expect(rows.some((r) => r.includes('WSF_SNIPPET_TYPE') && r.includes('on-text'))).toBe(true);
    await expect(page.locator('[data-testid="run-status"]').count()).resolves.toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await gate.locator('[data-testid="run-gate-run"]').click();
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    await expect(gate.count()).resolves.toBe(0);
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
  });

  it('leaves a freshly dropped, unwired node out of the live reload and of the next start', async () => {
    const { page } = h;
    await page.locator('[data-testid="menu-File"]').click();
    await page.locator('[data-testid="cmd-file.open"]').click();
    await page.locator('[data-testid="open-echo-lowcode.wsflow.yaml"]').click();
    await page.locator('.react-flow__node[data-id="reply-binary"]').waitFor({ timeout: 20_000 });
    await clickRun(h);
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });

    // A node dropped from the palette and not wired in yet: the rest reloads anyway.
    await dragFromPalette(page, 'broadcast', 300, 420);
    const note = page.locator('[data-testid="reload-note"]', { hasText: /^reloaded .*left out, not wired in: broadcast/ });
    await note.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="reload-note"]').textContent()).resolves.not.toContain('not reloaded');

    // Stop and start again: no gate, no refusal; the toast names what was left out.
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
    await clickRun(h);
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="toast-info"]', { hasText: /Left out of the run, not wired in: broadcast/ }).waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="dialog-run-gate"]').count()).resolves.toBe(0);
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
  });
});

type Box = { x: number; y: number; width: number; height: number };
const box = async (h: Harness, selector: string): Promise<Box> => {
  const b = await h.page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`not visible: ${selector}`);
  return b;
};
const within = (inner: Box, outer: Box) => inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
const apart = (a: Box, b: Box) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

/** The canvas' pan and zoom, read from React Flow's viewport transform. */
async function viewport(h: Harness): Promise<{ x: number; y: number; zoom: number }> {
  const style = (await h.page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
  const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([-\d.]+)\)/.exec(style);
  return { x: Number(m?.[1]), y: Number(m?.[2]), zoom: Number(m?.[3]) };
}

/** Poll `check` until it holds (bounded), for positions that settle after an animated fit. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('auto layout and dropped nodes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ browser, files: { 'chat-lowcode.wsflow.yaml': CHAT_LOWCODE } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('drops a node at the canvas edge wholly on screen and never under the minimap', async () => {
    const { page } = h;
    const canvas = await box(h, '[data-testid="canvas"]');
    await dragFromPalette(page, 'log', canvas.width - 6, 80);
    const first = await box(h, '.react-flow__node.selected');
    expect(within(first, canvas)).toBe(true);
    // Just left of the minimap, at the bottom: the card would reach under it and off the canvas.
    await dragFromPalette(page, 'log', canvas.width - 200, canvas.height - 12);
    await page.locator('.react-flow__node').nth(1).waitFor();
    const second = await box(h, '.react-flow__node.selected');
    expect(within(second, canvas)).toBe(true);
    expect(apart(second, await box(h, '.react-flow__minimap'))).toBe(true);
  });

  it('lays chat-lowcode out with then above else, at a readable zoom, and pans to the rest', async () => {
    const { page } = h;
    await page.keyboard.press(`${MOD}+O`);
    await page.locator('[data-testid="open-chat-lowcode.wsflow.yaml"]').click();
    await page.locator('.react-flow__node[data-id="has-age"]').waitFor({ timeout: 20_000 });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press(`${MOD}+Shift+L`);
    // Settled: a readable zoom, the start of the flow (the upgrader) in view.
    await eventually(async () => (await viewport(h)).zoom >= 0.75 && within(await box(h, '.react-flow__node[data-id="upgrader"]'), await box(h, '[data-testid="canvas"]')), 'a readable fit');
    const y = async (id: string) => (await box(h, `.react-flow__node[data-id="${id}"]`)).y;
    expect(await y('joined')).toBeLessThan(await y('joined-with-age'));
    expect(await y('uncount-taken')).toBeLessThan(await y('register'));
    // The far end is reached by panning: drag the empty canvas to the left.
    const before = await viewport(h);
    const canvas = await box(h, '[data-testid="canvas"]');
    const grab = { x: canvas.x + canvas.width - 40, y: canvas.y + 20 };
    await page.mouse.move(grab.x, grab.y);
    await page.mouse.down();
    await page.mouse.move(grab.x - 400, grab.y, { steps: 8 });
    await page.mouse.up();
    await eventually(async () => (await viewport(h)).x < before.x - 300, 'the canvas panned');
    expect((await viewport(h)).zoom).toBe(before.zoom);
  });
});

describe('chrome', () => {
  let h: Harness;
  beforeAll(async () => {
    // Narrow enough that a centred notice would reach the inspector and the status bar would wrap.
    h = await startHarness({ browser, files: { 'throws.wsflow.yaml': THROWS }, open: 'throws.wsflow.yaml', viewport: { width: 1100, height: 800 } });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the client form across tabs, a clicked open tab open, the notice off the inspector header, the status bar on one line', async () => {
    const { page } = h;
    await page.locator('.react-flow__node[data-id="on-text"]').waitFor({ timeout: 20_000 });
    await clickRun(h);
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });

    // The path parameter typed in the test-client form survives a visit to another tab.
    await page.locator('[data-testid="tab-clients"]').click();
    await page.locator('[data-testid="client-param-room"]').click();
    await page.keyboard.type('lobby');
    await page.locator('[data-testid="tab-problems"]').click();
    await page.locator('[data-testid="tab-clients"]').click();
    await expect(page.locator('[data-testid="client-param-room"]').inputValue()).resolves.toBe('lobby');

    // Clicking the tab that is already open keeps the panel open; its own button collapses it.
    await page.locator('[data-testid="tab-clients"]').click();
    await expect(page.locator('.dock__body').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid="tab-clients"]').getAttribute('aria-selected')).resolves.toBe('true');
    await page.locator('[data-testid="dock-toggle"]').click();
    await page.locator('.dock__body').waitFor({ state: 'detached' });
    await page.locator('[data-testid="dock-toggle"]').click();
    await page.locator('[data-testid="client-param-room"]').waitFor();
    await expect(page.locator('[data-testid="client-param-room"]').inputValue()).resolves.toBe('lobby');

    // A runtime error: its notice sits over the canvas, not over the inspector's header.
    await page.locator('[data-testid="client-connect"]').click();
    await page.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('hello');
    await page.locator('[data-testid="client-send"]').click();
    const notice = page.locator('[data-testid="runtime-notice"]');
    await notice.waitFor({ timeout: 30_000 });
    const header = await box(h, '[data-testid="inspector-slot"] .inspector__title');
    expect(apart(await box(h, '[data-testid="runtime-notice"]'), header)).toBe(true);
    expect(within(await box(h, '[data-testid="runtime-notice"]'), await box(h, '[data-testid="canvas"]'))).toBe(true);

    // A long status message: one line, cut with an ellipsis, the whole text in its tooltip.
    await page.locator('.react-flow__node[data-id="upgrader"] .card__head').click();
    await page.locator('[data-testid="upgrader-basePath"]').click();
    await page.keyboard.press('End');
    await page.keyboard.type('/{');
    const note = page.locator('[data-testid="reload-note"]', { hasText: 'not reloaded' });
    await note.waitFor({ timeout: 30_000 });
    const bar = await box(h, '[data-testid="statusbar"]');
    const noteBox = await box(h, '[data-testid="reload-note"]');
    expect(noteBox.height).toBeLessThanOrEqual(bar.height);
    expect(within(noteBox, bar)).toBe(true);
    const title = (await note.getAttribute('title')) ?? '';
    expect(title.startsWith('not reloaded')).toBe(true);
    expect(title).toBe(await note.textContent());
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
  });
});

describe('find a node and duplicate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ browser, files: { 'chat-lowcode.wsflow.yaml': CHAT_LOWCODE }, open: 'chat-lowcode.wsflow.yaml', bypassCSP: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const nodeCount = () => h.page.locator('.react-flow__node').count();

  it('finds a node by the text in its fields, selects it and centres it', async () => {
    const { page } = h;
    await page.locator('.react-flow__node[data-id="left"]').waitFor({ timeout: 20_000 });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press(`${MOD}+F`);
    await page.locator('[data-testid="find-input"]').waitFor();
    await page.keyboard.type('left the chat');
    await page.locator('#find-left').waitFor();
    await expect(page.locator('.picklist__item').count()).resolves.toBe(1);
    await h.shot('designer-find');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="node-id"][value="left"]').waitFor({ timeout: 5000 });
    await expect(page.locator('[data-testid="find"]').count()).resolves.toBe(0);
    // Centred in the canvas, at a readable zoom.
    const canvas = await box(h, '[data-testid="canvas"]');
    await eventually(async () => {
      const b = await box(h, '.react-flow__node[data-id="left"]');
      return Math.abs(b.x + b.width / 2 - (canvas.x + canvas.width / 2)) < 8 && Math.abs(b.y + b.height / 2 - (canvas.y + canvas.height / 2)) < 8 && (await viewport(h)).zoom >= 0.75;
    }, 'the found node centred');

    // By id, from the Edit menu.
    await page.locator('[data-testid="menu-Edit"]').click();
    await page.locator('[data-testid="cmd-edit.find"]').click();
    await page.keyboard.type('has-a');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="node-id"][value="has-age"]').waitFor({ timeout: 5000 });
  });

  it('duplicates the selected nodes with fresh ids, offset, and the edge between them; undo removes them', async () => {
    const { page } = h;
    const before = await nodeCount();
    await page.locator('.react-flow__node[data-id="has-age"] .card__head').click();
    await page.keyboard.down('Shift');
    await page.locator('.react-flow__node[data-id="joined"] .card__head').click();
    await page.keyboard.up('Shift');
    await page.keyboard.press(`${MOD}+D`);
    await page.locator('.react-flow__node[data-id="has-age-2"]').waitFor({ timeout: 5000 });
    await page.locator('.react-flow__node[data-id="joined-2"]').waitFor();
    await expect(nodeCount()).resolves.toBe(before + 2);
    // The edge between them, from the same port.
    await page.locator('.react-flow__edge[data-id="has-age-2:then->joined-2"]').waitFor({ timeout: 5000 });
    const a = await box(h, '.react-flow__node[data-id="has-age"]');
    const b = await box(h, '.react-flow__node[data-id="has-age-2"]');
    expect(b.x !== a.x || b.y !== a.y).toBe(true);
    await page.keyboard.press(`${MOD}+Z`);
    await page.locator('.react-flow__node[data-id="has-age-2"]').waitFor({ state: 'detached', timeout: 5000 });
    await expect(nodeCount()).resolves.toBe(before);
  });
});
