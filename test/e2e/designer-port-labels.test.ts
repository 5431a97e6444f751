/**
 * Port labels of branching cards: every kind with several output ports (from the registry, so a
 * new kind is checked too) is drawn with a card of the same kind close to its right and edges with
 * labels leaving its ports, as in a real chain. Measured in the page: no label overlaps another
 * label, the card it does not belong to or an edge's label, and each sits inside its own card.
 * Before, the labels hung outside the card's right edge, where `recovered` and `notRecovered` ran
 * into the edges' labels and the next card.
 */
import type { Browser } from 'playwright-core';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_TYPES, isBranching } from '../../runtime/model/registry.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { launchBrowser, startHarness } from './harness.ts';
import { node } from './ui.ts';

/** What a branching node needs besides its type for its card to show its ports. */
const EXTRA: Record<string, Record<string, unknown>> = {
  switch: { value: 'json.kind', cases: ['joined', 'left', 'kicked', 'a-rather-long-case-name-for-its-card'] },
  // A component's ports are its file's outputs and whatever its edges name; the file is left out.
  component: { ref: './missing.wsflow-component.yaml' },
};
const COMPONENT_PORTS = ['ok', 'failed', 'timedOut'];

type Box = { x: number; y: number; width: number; height: number };
interface Measured {
  cards: { id: string; box: Box }[];
  labels: { card: string; port: string; box: Box; clipped: boolean }[];
  edgeLabels: Box[];
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
function inside(a: Box, b: Box): boolean {
  return a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;
}

const BRANCHING = ACTION_TYPES.filter((t) => isBranching(t));

/** One row per branching kind: its node, then a reply 30 px to its right that every port leads to. */
function flowText(): string {
  const nodes: Record<string, unknown>[] = [
    { id: 'up', type: 'upgrader', position: { x: 0, y: 0 }, basePath: '/p' },
    { id: 'svc', type: 'service', position: { x: 300, y: 0 } },
    { id: 'on-text', type: 'onText', position: { x: 600, y: 0 } },
  ];
  const edges: Record<string, unknown>[] = [
    { from: 'up', to: 'svc' },
    { from: 'svc', to: 'on-text' },
  ];
  BRANCHING.forEach((type, i) => {
    const y = i * 220;
    nodes.push({ id: `b-${type}`, type, position: { x: 900, y }, ...EXTRA[type] });
    nodes.push({ id: `next-${type}`, type: 'reply', position: { x: 1130, y }, value: 'text' });
    edges.push({ from: 'on-text', to: `b-${type}` });
    const ports = type === 'component' ? COMPONENT_PORTS : null;
    for (const port of ports ?? (type === 'switch' ? [...(EXTRA.switch!.cases as string[]), 'default'] : type === 'if' ? ['then', 'else'] : type === 'subscribe' ? ['recovered', 'notRecovered'] : [])) {
      edges.push({ from: `b-${type}`, to: `next-${type}`, port });
    }
  });
  return stringify({ wsflow: 1, name: 'ports', listener: { port: 8080 }, nodes, edges });
}

let browser: Browser;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('port labels', () => {
  it(`never overlap each other, other cards or edge labels (${BRANCHING.join(', ')})`, async () => {
    expect(BRANCHING).toEqual(expect.arrayContaining(['if', 'switch', 'subscribe', 'component']));
    const h = await startHarness({ browser, files: { 'ports.wsflow.yaml': flowText() }, open: 'ports.wsflow.yaml' });
    try {
      const { page } = h;
      for (const type of BRANCHING) await node(page, `b-${type}`).locator('.card__port-label').first().waitFor({ timeout: 20_000 });
      await page.waitForFunction(() => performance.getEntriesByName('wsflow:fit-view').length > 0, undefined, { timeout: 30_000 });
      const measured: Measured = await page.evaluate(() => {
        const box = (el: Element) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        };
        const cards = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((el) => ({ id: el.dataset.id ?? '', box: box(el.querySelector('.card') ?? el) }));
        const labels = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].flatMap((el) =>
          [...el.querySelectorAll<HTMLElement>('.card__port-label')].map((label) => ({ card: el.dataset.id ?? '', port: label.textContent ?? '', box: box(label), clipped: label.scrollWidth > label.clientWidth })),
        );
        const edgeLabels = [...document.querySelectorAll('.react-flow__edge-text, .react-flow__edgelabel-renderer > *')].map(box).filter((b) => b.width > 0);
        return { cards, labels, edgeLabels };
      });
      await h.shot('designer-port-labels');

      for (const type of BRANCHING) {
        const ports = measured.labels.filter((l) => l.card === `b-${type}`);
        expect(ports.length, type).toBeGreaterThan(1);
      }
      for (const label of measured.labels) {
        const where = `${label.card} port ${label.port}`;
        const own = measured.cards.find((c) => c.id === label.card)!;
        expect(inside(label.box, own.box), `${where} is inside its card`).toBe(true);
        for (const card of measured.cards) if (card.id !== label.card) expect(overlap(label.box, card.box), `${where} overlaps card ${card.id}`).toBe(false);
        for (const other of measured.labels) if (other !== label) expect(overlap(label.box, other.box), `${where} overlaps ${other.card} port ${other.port}`).toBe(false);
        for (const edge of measured.edgeLabels) expect(overlap(label.box, edge), `${where} overlaps an edge label`).toBe(false);
        // Ordinary names are shown whole; only a very long case name is cut (its title has it all).
        if (label.port.length <= 16) expect(label.clipped, `${where} is cut`).toBe(false);
      }
      // A closer look at the subscribe card, to see.
      const sub = await node(page, 'b-subscribe').boundingBox();
      if (sub) {
        await page.mouse.move(sub.x + sub.width, sub.y + sub.height / 2);
        for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -200);
        await h.shot('designer-port-labels-subscribe');
      }
    } finally {
      await h.close();
    }
  });
});
