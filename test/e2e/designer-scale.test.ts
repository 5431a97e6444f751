/**
 * A generated flow of 500 nodes (100 upgrader -> service -> 3 handlers chains): it renders, fits
 * the view, and stays usable (select, inspect, move, auto layout, undo). Prints the timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateFlowYaml } from '../../runtime/model/serialize.ts';
import type { FlowDocument, FlowNode } from '../../runtime/model/types.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { startHarness, type Harness } from './harness.ts';
import { MOD } from './ui.ts';

const CHAINS = 100;

function bigFlow(): FlowDocument {
  const nodes: FlowNode[] = [];
  const edges: FlowDocument['edges'] = [];
  for (let i = 0; i < CHAINS; i++) {
    const y = i * 110;
    nodes.push({ id: `up-${i}`, type: 'upgrader', basePath: `/svc${i}`, upgradePath: '/{room}', position: { x: 0, y } });
    nodes.push({ id: `svc-${i}`, type: 'service', position: { x: 320, y } });
    edges.push({ from: `up-${i}`, to: `svc-${i}` });
    (['onOpen', 'onText', 'onClose'] as const).forEach((event, k) => {
      const id = `h-${i}-${k}`;
      nodes.push({ id, type: event, position: { x: 640 + k * 280, y }, code: `export default function ${event}() {\n  // handler ${i}.${k}\n}\n` });
      edges.push({ from: `svc-${i}`, to: id });
    });
  }
  return { wsflow: 1, name: 'big-flow', listener: { port: 9000 }, nodes, edges };
}

/** In the page: record the interval between painted frames until stopFrameLog (self-contained: the CSP forbids string evaluation). */
function startFrameLog(): void {
  const g = globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): number; performance: { now(): number }; __frames?: number[]; __framesOn?: boolean };
  const frames: number[] = [];
  g.__frames = frames;
  g.__framesOn = true;
  let last = g.performance.now();
  const tick = (t: number) => {
    frames.push(t - last);
    last = t;
    if (g.__framesOn) g.requestAnimationFrame(tick);
  };
  g.requestAnimationFrame(tick);
}

function stopFrameLog(): number[] {
  const g = globalThis as unknown as { __frames?: number[]; __framesOn?: boolean };
  g.__framesOn = false;
  // The first interval starts before the gesture did: leave it out.
  return (g.__frames ?? []).slice(1);
}

let h: Harness;
let loadMs = { firstRender: 0, fitView: 0 };

beforeAll(async () => {
  await ensureRendererBuilt();
  const flow = bigFlow();
  expect(flow.nodes).toHaveLength(500);
  // The backend runs as `wsflow studio` in its own process so it cannot stall the timings.
  h = await startHarness({ files: { 'big.wsflow.yaml': updateFlowYaml(undefined, flow) }, open: 'big.wsflow.yaml', cli: true });
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe('a 500-node flow', () => {
  it('renders every node and fits the view', async () => {
    const { page } = h;
    await page.waitForFunction(() => performance.getEntriesByName('wsflow:fit-view').length > 0, undefined, { timeout: 60_000 });
    loadMs = await page.evaluate(() => ({
      firstRender: Math.round(performance.getEntriesByName('wsflow:nodes-rendered')[0]?.startTime ?? -1),
      fitView: Math.round(performance.getEntriesByName('wsflow:fit-view')[0]?.startTime ?? -1),
    }));
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(500);
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(400);
    // Fit view shows the whole flow: the first and the last chain are both inside the pane.
    const pane = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    for (const id of ['up-0', 'h-99-2']) {
      const box = (await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(pane.y - 1);
      expect(box.y + box.height).toBeLessThanOrEqual(pane.y + pane.height + 1);
    }
    console.log(`[scale] 500 nodes: first render ${loadMs.firstRender} ms after navigation start, fit view ${loadMs.fitView} ms`);
    expect(loadMs.firstRender).toBeGreaterThan(0);
    expect(loadMs.fitView).toBeLessThan(30_000);
    await h.shot('designer-500-nodes');
  });

  it('stays usable: select, inspect, move, auto layout and undo', async () => {
    const { page } = h;
    const timed = async (what: string, action: () => Promise<void>) => {
      const start = Date.now();
      await action();
      const ms = Date.now() - start;
      console.log(`[scale] ${what}: ${ms} ms`);
      return ms;
    };
    // Pan by dragging the empty pane, and time the frames the page paints meanwhile.
    const pane = (await page.locator('[data-testid="canvas"]').boundingBox())!;
    await page.evaluate(startFrameLog);
    const from = { x: pane.x + pane.width - 40, y: pane.y + 20 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x - 300, from.y + 150, { steps: 40 });
    await page.mouse.up();
    const frames = await page.evaluate(stopFrameLog);
    const p95 = frames.length ? [...frames].sort((a, b) => a - b)[Math.min(frames.length - 1, Math.floor(frames.length * 0.95))] ?? 0 : 0;
    console.log(`[scale] pan by dragging the pane: ${frames.length} frames, p95 ${Math.round(p95)} ms, max ${Math.round(Math.max(0, ...frames))} ms`);
    expect(frames.length).toBeGreaterThan(0);
    const target = page.locator('.react-flow__node[data-id="svc-50"]');
    await timed('select all (Ctrl+A)', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
      await page.keyboard.press(`${MOD}+A`);
      await page.locator('.inspector__title', { hasText: '500 nodes selected' }).waitFor({ timeout: 20_000 });
    });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    const selectMs = await timed('click a node, inspector shows it', async () => {
      await target.click({ force: true });
      await page.locator('[data-testid="node-id"][value="svc-50"]').waitFor({ timeout: 20_000 });
    });
    // Bounds catch a pathological regression, not a slow shared CI machine (numbers are printed).
    expect(selectMs).toBeLessThan(10_000);
    const before = (await target.boundingBox())!;
    await timed('drag a node', async () => {
      await page.mouse.move(before.x + before.width / 2, before.y + before.height / 2);
      await page.mouse.down();
      await page.mouse.move(before.x + before.width / 2 + 60, before.y + before.height / 2 + 40, { steps: 5 });
      await page.mouse.up();
    });
    const after = (await target.boundingBox())!;
    expect(after.x).toBeGreaterThan(before.x + 5);
    const layoutMs = await timed('auto layout (dagre) of 500 nodes', async () => {
      await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
      await page.keyboard.press(`${MOD}+Shift+L`);
      await page.waitForFunction(() => performance.getEntriesByName('wsflow:fit-view').length > 1, undefined, { timeout: 30_000 });
    });
    expect(layoutMs).toBeLessThan(30_000);
    await timed('undo the layout', async () => {
      await page.keyboard.press(`${MOD}+Z`);
      await page.locator('[data-testid="dirty-marker"]').waitFor({ timeout: 10_000 });
    });
    expect(h.consoleErrors).toEqual([]);
  });
});
