/**
 * Live connector state on the canvas: the MQTT bridge sample runs in the studio against a real
 * Mosquitto (MQTT_URL in the studio's environment). Its mqttIn/mqttOut cards say connected with
 * the messages each way; when the broker is killed (SIGKILL) they say down or reconnecting and
 * get the outage's error badge; a client let in meanwhile shows the engine's 503 and why; once
 * the broker is back on its port the cards say connected and no error badge is left.
 * Screenshots: designer-connector-{connected,down,recovered}.png (docs/screenshots/ with
 * WSFLOW_SCREENSHOTS=1).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUBSCRIBE_WAIT_MS } from '../../runtime/connectors/broker.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { startHarness, type Harness } from './harness.ts';
import { node, openTab, typeInto } from './ui.ts';

const SAMPLE = readFileSync(new URL('../../samples/mqtt-bridge.wsflow.yaml', import.meta.url), 'utf8');
const CARDS = ['from-mqtt', 'to-mqtt'];

let h: Harness;
let broker: TestMosquitto;
const mqttUrlBefore = process.env.MQTT_URL;

beforeAll(async () => {
  await ensureRendererBuilt();
  broker = await startMosquitto();
  // The studio runs in this process: its runs read `${env.MQTT_URL}` from here.
  process.env.MQTT_URL = broker.url;
  h = await startHarness({ files: { 'mqtt-bridge.wsflow.yaml': SAMPLE }, open: 'mqtt-bridge.wsflow.yaml' });
}, 300_000);

afterAll(async () => {
  await h?.close();
  await broker?.stop();
  if (mqttUrlBefore === undefined) delete process.env.MQTT_URL;
  else process.env.MQTT_URL = mqttUrlBefore;
});

const stateOf = (id: string) => h.page.locator(`[data-testid="connector-state-${id}"]`);
const timeline = (client: string) => h.page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

describe('live connector state on the canvas', () => {
  it('shows connected with counts, down within 5 s of a broker crash, and connected with no error badge within 10 s of its restart', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    await typeInto(h.page, '[data-testid="run-port"]', '0');
    await page.keyboard.press('F5');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    // Nothing uses the broker before the first client (the bridge connects for it).
    for (const id of CARDS) await stateOf(id).and(page.locator('[data-state="idle"]')).waitFor({ timeout: 10_000 });

    await openTab(page, 'clients');
    await typeInto(h.page, '[data-testid="client-param-topic"]', 'live');
    await page.click('[data-testid="client-connect"]');
    await timeline('c1').locator('.tl--open').waitFor({ timeout: 15_000 });
    for (const id of CARDS) await stateOf(id).and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });

    // A text from the client is published (to-mqtt: 1 out) and comes back on its topic (from-mqtt: 1 in).
    await page.click('[data-testid="client-c1"] [data-testid="client-message"]');
    await page.keyboard.type('hello broker');
    await page.keyboard.press('Enter');
    await timeline('c1').locator('.tl--received', { hasText: 'hello broker' }).waitFor({ timeout: 10_000 });
    await stateOf('from-mqtt').locator('.conn-state__counts', { hasText: '1 in · 0 out' }).waitFor({ timeout: 10_000 });
    await stateOf('to-mqtt').locator('.conn-state__counts', { hasText: '0 in · 1 out' }).waitFor({ timeout: 10_000 });
    await expect(stateOf('from-mqtt').locator('.conn-state__pill').textContent()).resolves.toBe('connected');
    await h.shot('designer-connector-connected');

    await broker.kill();
    for (const id of CARDS) {
      const lost = stateOf(id).and(page.locator('[data-state="down"], [data-state="reconnecting"]'));
      await lost.waitFor({ timeout: 5000 });
      await expect(lost.locator('.conn-state__reason').textContent()).resolves.toBeTruthy();
      // The outage is an error on the node meanwhile.
      await node(page, id).locator('[data-testid="node-badge"]').waitFor({ timeout: 5000 });
    }

    // A client let in while the broker is away waits for the engine's answer: 503 and why, not a client-side timeout.
    await typeInto(h.page, '[data-testid="client-param-topic"]', 'late');
    await page.click('[data-testid="client-connect"]');
    const refusal = timeline('c2').locator('.tl--error', { hasText: 'handshake refused: HTTP 503' });
    await refusal.waitFor({ timeout: SUBSCRIBE_WAIT_MS + 10_000 });
    await expect(refusal.textContent()).resolves.toContain(`did not confirm the subscription to 'late' within ${SUBSCRIBE_WAIT_MS / 1000} s (WSF_MQTT_SUBSCRIBE_TIMEOUT)`);
    await timeline('c2').locator('.tl--close').waitFor({ timeout: 5000 });
    // The notice words a connector's outage as what it is, not as a snippet that threw.
    await expect(page.locator('[data-testid="runtime-notice"]').textContent()).resolves.toMatch(/^(from|to)-mqtt: the MQTT broker .* is not reachable/);
    await refusal.scrollIntoViewIfNeeded();
    await h.shot('designer-connector-down');

    await broker.restart();
    for (const id of CARDS) await stateOf(id).and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
    for (const id of CARDS) {
      await node(page, id).locator('[data-testid="node-badge"]').waitFor({ state: 'detached', timeout: 5000 });
      await expect(node(page, id).locator('.card--error').count()).resolves.toBe(0);
    }
    await expect(page.locator('[data-testid="runtime-count"]').count()).resolves.toBe(0);
    // The bridge works again, and the counts went on from where they were.
    await page.click('[data-testid="client-c1"] [data-testid="client-message"]');
    await page.keyboard.type('after the restart');
    await page.keyboard.press('Enter');
    await timeline('c1').locator('.tl--received', { hasText: 'after the restart' }).waitFor({ timeout: 10_000 });
    await stateOf('from-mqtt').locator('.conn-state__counts', { hasText: '2 in · 0 out' }).waitFor({ timeout: 10_000 });
    await h.shot('designer-connector-recovered');

    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 15_000 });
    await expect(stateOf('from-mqtt').count()).resolves.toBe(0);
    expect(h.consoleErrors).toEqual([]);
  }, 120_000);
});
