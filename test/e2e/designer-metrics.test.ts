/**
 * The run panel's charts in real Chromium: the echo sample runs, a test client outside the
 * browser sends messages over a real socket, and the Metrics tab's charts move (more points,
 * different pixels, non-zero rates and a latency), while the onText card counts its runs.
 * The screenshot goes to a temp folder; WSFLOW_SCREENSHOTS=1 saves it as
 * docs/screenshots/designer-metrics.png instead (an explicit opt-in, never in a plain test run).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { SCREENSHOTS, useHarness } from './harness.ts';
import { node } from './ui.ts';

const ECHO = readFileSync(new URL('../../samples/echo.wsflow.yaml', import.meta.url), 'utf8');

const h = useHarness({ files: { 'echo.wsflow.yaml': ECHO }, open: 'echo.wsflow.yaml' });
const shots = process.env.WSFLOW_SCREENSHOTS === '1' ? SCREENSHOTS : mkdtempSync(path.join(tmpdir(), 'wsflow-shots-'));

afterAll(() => {
  if (shots !== SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
});

/** Reads the page until `ok` holds (the shared waitFor, every 100 ms) and returns that value. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const hit = await waitFor(what, async () => {
    const value = await read();
    return ok(value) ? { value } : undefined;
  }, ms, 100);
  return hit.value;
}

/**
 * The x axis' labels as boxes: the columns of the canvas' bottom band (under the ticks, where
 * uPlot writes the times) that hold ink, runs less than 8 px apart joined (the space in
 * `10:02:40 AM` is about 5 px). One label alone is `labelWidth` wide at most; two labels drawn
 * into each other, or closer than 8 px to be read apart, make one wider run.
 */
async function timeLabelBoxes(page: Page, canvas: string): Promise<{ labelWidth: number; boxes: { x: number; width: number }[] }> {
  return page.locator(canvas).evaluate((el: HTMLCanvasElement) => {
    const ctx = el.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    const scale = el.width / el.clientWidth;
    const band = Math.round(34 * scale);
    const pixels = ctx.getImageData(0, el.height - band, el.width, band).data;
    const inked: boolean[] = [];
    for (let x = 0; x < el.width; x++) {
      let ink = false;
      for (let y = 0; y < band && !ink; y++) ink = (pixels[(y * el.width + x) * 4 + 3] ?? 0) > 64;
      inked.push(ink);
    }
    const boxes: { x: number; width: number }[] = [];
    let start = -1;
    let lastInk = -10;
    inked.forEach((ink, x) => {
      if (!ink) return;
      if (x - lastInk > 8 * scale) {
        if (start >= 0) boxes.push({ x: start / scale, width: (lastInk - start + 1) / scale });
        start = x;
      }
      lastInk = x;
    });
    if (start >= 0) boxes.push({ x: start / scale, width: (lastInk - start + 1) / scale });
    const measure = document.createElement('canvas').getContext('2d')!;
    measure.font = '11px system-ui, sans-serif';
    const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const labelWidth = Math.max(...Array.from({ length: 24 }, (_, hour) => measure.measureText(clock.format(new Date(2020, 0, 1, hour, 48, 48))).width));
    return { labelWidth, boxes };
  });
}

describe('designer run charts', () => {
  it('charts connections, messages/s and latency while a client sends, and counts runs on the node card', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="tab-metrics"]').click();
    await page.locator('[data-testid="charts-empty"]').waitFor({ timeout: 5_000 });

    const port = page.locator('[data-testid="run-port"]');
    await port.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0');
    await page.keyboard.press('F5');
    const status = await page.locator('[data-testid="run-status"]').textContent({ timeout: 30_000 });
    const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(status ?? '')?.[0];
    expect(url, `run status: ${status}`).toBeTruthy();
    // Starting a run shows the test clients; the charts are one click away.
    await page.locator('[data-testid="tab-metrics"]').click();
    await page.locator('[data-testid="run-charts"]').waitFor({ timeout: 10_000 });

    const client = await TestClient.connect(`${url}/chat`);
    let sent = 0;
    // A steady trickle over real sockets, every message answered by the echo handler.
    const sender = setInterval(() => {
      client.send(`tick ${++sent}`);
    }, 40);
    try {
      const chart = page.locator('[data-testid="chart-messages"]');
      const points = async () => Number(await chart.getAttribute('data-points'));
      const first = await until('messages chart points', points, (n) => n >= 2);
      await until('incoming rate', () => page.locator('[data-testid="chart-messages-value"]').textContent(), (t) => /^[1-9][\d,]* in · [1-9][\d,]* out$/.test(t ?? ''));
      await until('connections', () => page.locator('[data-testid="chart-connections-value"]').textContent(), (t) => t === '1 open');
      await until('latency', () => page.locator('[data-testid="chart-latency-value"]').textContent(), (t) => /^p50 \d[\d.]* ms · p99 \d[\d.]* ms$/.test(t ?? ''));
      const before = await chart.locator('canvas').screenshot();
      await until('more points', points, (n) => n >= first + 3);
      const after = await chart.locator('canvas').screenshot();
      expect(Buffer.compare(before, after)).not.toBe(0);

      const runs = node(page, 'on-text').locator('[data-testid="node-run-counts"]');
      const runsText = await until('runs on the onText card', () => runs.textContent(), (t) => /^[1-9][\d,]* runs?0 errors$/.test(t ?? ''));
      const count = Number((runsText ?? '').replace(/,/g, '').split(' ')[0]);
      await until('runs go up', async () => Number(((await runs.textContent()) ?? '').replace(/,/g, '').split(' ')[0]), (n) => n > count);

      await page.mouse.move(0, 0);
      const file = path.join(shots, 'designer-metrics.png');
      await page.screenshot({ path: file });

      // The time labels under each chart never run into each other. How many fit changes as the
      // run's history grows (a tick a second, then every 2, 5, 10 s), so they are read at every
      // new point over the first 15 s. They are drawn on the canvas: their boxes come from its pixels.
      let mostLabels = 0;
      for (let seen = await points(); seen < 30; seen = await until('a new point', points, (n) => n > seen)) {
        for (const id of ['connections', 'messages', 'latency']) {
          const labels = await timeLabelBoxes(page, `[data-testid="chart-${id}"] canvas`);
          mostLabels = Math.max(mostLabels, labels.boxes.length);
          for (const box of labels.boxes) expect(box.width, `${id} at ${seen} points: a run of ink wider than one label is labels drawn into each other: ${JSON.stringify(labels)}`).toBeLessThanOrEqual(labels.labelWidth + 2);
        }
      }
      expect(mostLabels).toBeGreaterThanOrEqual(2);
      await page.locator('[data-testid="run-charts"]').screenshot({ path: path.join(shots, 'designer-metrics-time-labels.png') });
    } finally {
      clearInterval(sender);
      await client.close();
    }
    expect(h.consoleErrors).toEqual([]);
    expect(h.requests.filter((r) => !r.startsWith(`http://127.0.0.1:${h.studio.port}/`) && !r.startsWith('data:') && !r.startsWith('blob:'))).toEqual([]);
  }, 120_000);
});
