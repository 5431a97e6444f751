/**
 * A document's first paint: the designer gives React Flow every card's size and handles before
 * it measures them (renderer/src/canvas/card-geometry.ts), so the first frame that shows cards is
 * already fitted and already has its edges, with no hidden measuring pass. Checked on the samples
 * that have every kind of card (upgraders with one and two rows of chips, services, handlers,
 * action nodes with and without ports, connectors with and without an output), and the known sizes
 * against what the page measures.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { cardHandles, cardSize } from '../../renderer/src/canvas/card-geometry.ts';
import { launchBrowser, startHarness } from './harness.ts';

interface Frame {
  nodes: number;
  edges: number;
  transform: string;
}
type FrameLog = { __frames?: Frame[] };

/** Runs in the page before its scripts: notes every animation frame that changes what is drawn. */
function recordFrames(): void {
  const log: Frame[] = [];
  (globalThis as unknown as FrameLog).__frames = log;
  const started = performance.now();
  const tick = () => {
    const frame = {
      nodes: document.querySelectorAll('.react-flow__node').length,
      edges: document.querySelectorAll('.react-flow__edge').length,
      transform: document.querySelector<HTMLElement>('.react-flow__viewport')?.style.transform ?? '',
    };
    const last = log[log.length - 1];
    if (!last || last.nodes !== frame.nodes || last.edges !== frame.edges || last.transform !== frame.transform) log.push(frame);
    if (performance.now() - started < 60_000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** A card as the page measured it, in flow units: its size and its handles' boxes. */
interface MeasuredCard {
  id: string;
  width: number;
  height: number;
  handles: { id: string | null; type: 'source' | 'target'; x: number; y: number }[];
}

/** Every card's measured size and handle positions, unscaled by the zoom (React Flow's way). */
async function measureCards(page: Page): Promise<MeasuredCard[]> {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
    const zoom = Number(/scale\(([^)]+)\)/.exec(viewport?.style.transform ?? '')?.[1] ?? 1);
    return [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => {
      const box = el.getBoundingClientRect();
      const handles = [...el.querySelectorAll<HTMLElement>('.react-flow__handle')].map((handle) => {
        const at = handle.getBoundingClientRect();
        return {
          id: handle.dataset.handleid ?? null,
          type: handle.classList.contains('source') ? ('source' as const) : ('target' as const),
          x: (at.left - box.left) / zoom,
          y: (at.top - box.top) / zoom,
        };
      });
      return { id: el.dataset.id ?? '', width: el.offsetWidth, height: el.offsetHeight, handles };
    });
  });
}

let browser: Browser;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(['chat.wsflow.yaml', 'chat-lowcode.wsflow.yaml', 'mqtt-bridge.wsflow.yaml', 'ws-proxy.wsflow.yaml'])('opening %s', (file) => {
  const text = readFileSync(new URL(`../../samples/${file}`, import.meta.url), 'utf8');
  const flow = parseFlow(text, file).flow;

  it('paints its cards first in the fitted view, edges drawn, at the sizes React Flow then measures', async () => {
    expect(flow).toBeDefined();
    if (!flow) return;
    const h = await startHarness({ files: { [file]: text }, open: file, browser });
    try {
      // A fresh page of the same studio, recorded from its first frame.
      const page = await h.page.context().newPage();
      await page.addInitScript(recordFrames);
      await page.goto(h.page.url());
      await page.waitForFunction(() => performance.getEntriesByName('wsflow:fit-view').length > 0, undefined, { timeout: 30_000 });
      await page.waitForFunction((count) => document.querySelectorAll('.react-flow__edge').length === count, flow.edges.length, { timeout: 10_000 });
      const frames = await page.evaluate(() => (globalThis as unknown as FrameLog).__frames ?? []);
      const withCards = frames.filter((f) => f.nodes > 0);
      expect(withCards.length).toBeGreaterThan(0);
      const first = withCards[0]!;
      const settled = withCards[withCards.length - 1]!;
      expect(first.nodes).toBe(flow.nodes.length);
      expect(first.edges).toBe(flow.edges.length);
      expect(first.transform).toBe(settled.transform);
      expect(first.transform).not.toBe('translate(0px, 0px) scale(1)');

      // The sizes and handles given up front are the ones the page measures (within a pixel).
      const cards = await measureCards(page);
      expect(cards.map((c) => c.id).sort()).toEqual(flow.nodes.map((n) => n.id).sort());
      for (const card of cards) {
        const node = flow.nodes.find((n) => n.id === card.id)!;
        const size = cardSize(node);
        expect({ id: card.id, width: card.width, height: card.height }).toEqual({ id: card.id, ...size });
        const known = cardHandles(node, size).map((x) => ({ id: x.id ?? null, type: x.type, x: x.x, y: x.y }));
        expect(card.handles).toHaveLength(known.length);
        for (const handle of card.handles) {
          const match = known.find((k) => k.id === handle.id && k.type === handle.type);
          expect(match, `${card.id}: handle ${handle.type} ${handle.id ?? ''}`).toBeDefined();
          expect(Math.abs(handle.x - match!.x)).toBeLessThanOrEqual(1);
          expect(Math.abs(handle.y - match!.y)).toBeLessThanOrEqual(1);
        }
      }
      await page.close();
    } finally {
      await h.close();
    }
  });
});
