/**
 * Connector nodes in the real designer (real Chromium, real studio backend): every connector kind
 * is in the palette and in quick-add; samples/mqtt-bridge and samples/ws-proxy are rebuilt from an
 * empty canvas with the palette, quick-add, edges drawn with the mouse and the connector forms
 * typed with the keyboard; the saved flow says what the sample says; and the designer's Run moves
 * messages both ways through the built-in test client, against a real Mosquitto and a real `ws`
 * backend. The broker and backend URLs reach the run through the studio's environment
 * (`process.env`: the studio runs in this process here).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { CONNECTOR_TYPES, KINDS, kindOf } from '../../runtime/model/registry.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { waitFor } from '../helpers/wait.ts';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { launchBrowser, SCREENSHOTS, startHarness, type Harness } from './harness.ts';
import { andFitView, dragEdge, dragFromPalette, MOD, node, openTab, selectNode, typeInto } from './ui.ts';

let browser: Browser;
let broker: TestMosquitto;
let backend: TestBackend;
const ENV = ['MQTT_URL', 'BACKEND_URL'] as const;
const envBefore = new Map<string, string | undefined>(ENV.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  await ensureRendererBuilt();
  [browser, broker, backend] = await Promise.all([launchBrowser(), startMosquitto(), startBackend()]);
  process.env.MQTT_URL = broker.url;
  process.env.BACKEND_URL = backend.url;
}, 300_000);

afterAll(async () => {
  for (const [name, value] of envBefore) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([browser?.close(), broker?.stop(), backend?.stop()]);
});

/** Click a form input and type over its content with the keyboard. */

/** Type lines into a textarea, Enter between them, the way a person does. */
async function typeLines(page: Page, selector: string, lines: string[]): Promise<void> {
  await page.locator(selector).click();
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.press('Delete');
  for (const [i, line] of lines.entries()) {
    if (i > 0) await page.keyboard.press('Enter');
    await page.keyboard.type(line, { delay: 5 });
  }
}

/** Give the selected node a new id: type it and press Enter (ids commit on Enter). */
async function rename(page: Page, from: string, to: string): Promise<void> {
  await selectNode(page, from);
  await typeInto(page, '[data-testid="node-id"]', to);
  await page.keyboard.press('Enter');
  await node(page, to).waitFor({ timeout: 5000 });
}

/** Add a node with quick-add: type a letter on the canvas, the rest of the type's name, Enter. */
async function quickAdd(page: Page, type: string): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press(type.charAt(0));
  await page.locator('[data-testid="quick-add"]').waitFor({ timeout: 5000 });
  await page.keyboard.type(type.slice(1), { delay: 5 });
  await page.locator('[data-testid="quick-add"] [role="option"][aria-selected="true"]', { hasText: kindOf(type)?.title ?? type }).waitFor({ timeout: 5000 });
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="quick-add"]').waitFor({ state: 'detached', timeout: 5000 });
}

/** Save as NAME in the studio's folder and read it back. */
async function saveAs(h: Harness, name: string): Promise<FlowDocument> {
  const { page } = h;
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press(`${MOD}+S`);
  await page.locator('[data-testid="dialog-saveAs"]').waitFor();
  await typeInto(page, '[data-testid="saveas-name"]', name);
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
  const file = path.join(h.dir, name);
  const parsed = parseFlow(readFileSync(file, 'utf8'), file);
  expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
  if (!parsed.flow) throw new Error(`${name} did not parse`);
  return parsed.flow;
}

/**
 * The sample's meaning, which the built flow must match: every node's id, type and fields (not
 * where it was drawn, nor its prose), and the edges. `extra` lists fields the test typed on top.
 */
function expectSameFlow(built: FlowDocument, sampleFile: string, extra: Record<string, Record<string, unknown>> = {}): void {
  const sample = parseFlow(readFileSync(new URL(`../../samples/${sampleFile}`, import.meta.url), 'utf8'), sampleFile).flow;
  if (!sample) throw new Error(`${sampleFile} did not parse`);
  const meaning = (n: object, more: Record<string, unknown> = {}) => {
    const { position: _p, description: _d, ...rest } = n as Record<string, unknown>;
    return { ...rest, ...more };
  };
  expect(built.name).toBe(sample.name);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  expect([...built.nodes].sort(byId).map((n) => meaning(n))).toEqual([...sample.nodes].sort(byId).map((n) => meaning(n, extra[n.id])));
  const edges = (f: FlowDocument) => f.edges.map((e) => `${e.from}->${e.to}`).sort();
  expect(edges(built)).toEqual(edges(sample));
}

/** The inspector's title and the connector card's summary line. */
async function expectConnector(page: Page, id: string, title: string, summary: string): Promise<void> {
  await expect(page.locator('[data-testid="inspector"] .inspector__title').textContent()).resolves.toBe(`Connector · ${title}`);
  await expect.poll(() => node(page, id).locator('.card__code').textContent(), { timeout: 5000 }).toBe(summary);
}

async function startRun(page: Page): Promise<void> {
  await typeInto(page, '[data-testid="run-port"]', '0');
  await page.click('[data-testid="run-start"]');
  await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
}

async function stopRun(page: Page): Promise<void> {
  await page.click('[data-testid="run-stop"]');
  await page.locator('[data-testid="run-start"]').waitFor({ timeout: 20_000 });
}

/** Type a message into a test client and send it with Enter. */
async function sendFromClient(page: Page, client: string, text: string): Promise<void> {
  const box = page.locator(`[data-testid="client-${client}"] [data-testid="client-message"]`);
  await box.click();
  await page.keyboard.type(text, { delay: 5 });
  await page.keyboard.press('Enter');
}

const received = (page: Page, client: string, text: string) =>
  page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"] .tl--received`, { hasText: text });

describe('designer: mqtt-bridge from an empty canvas', () => {
  let h: Harness;
  let peer: MqttClient | undefined;
  beforeAll(async () => {
    h = await startHarness({ browser });
  }, 60_000);
  afterAll(async () => {
    await peer?.endAsync();
    await h?.close();
  });

  it('lists every connector kind in the palette and in quick-add', async () => {
    const { page } = h;
    expect(CONNECTOR_TYPES).toEqual(expect.arrayContaining(['http', 'wsBackend', 'mqttIn', 'mqttOut', 'redisIn', 'redisOut']));
    await page.locator('.palette__group', { hasText: 'Integration' }).waitFor();
    for (const type of CONNECTOR_TYPES) {
      const item = page.locator(`[data-testid="palette-${type}"]`);
      await expect(item.textContent()).resolves.toContain(kindOf(type)?.title);
      // Quick-add finds it by the type's name as the file spells it.
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await page.keyboard.press(type.charAt(0));
      await page.keyboard.type(type.slice(1), { delay: 5 });
      await page.locator('[data-testid="quick-add"] [role="option"]', { hasText: kindOf(type)?.title ?? type }).waitFor({ timeout: 5000 });
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="quick-add"]').waitFor({ state: 'detached', timeout: 5000 });
    }
    await expect(page.locator('.palette__item').count()).resolves.toBe(KINDS.length);
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(0);
    // A picture of the palette's Integration group, from its header to its last item.
    await page.locator('[data-testid="palette-redisOut"]').scrollIntoViewIfNeeded();
    const [palette, first, last] = await Promise.all(
      [page.locator('.palette'), page.locator('.palette__group', { hasText: 'Integration' }), page.locator('[data-testid="palette-redisOut"]')].map((l) => l.boundingBox()),
    );
    if (!palette || !first || !last) throw new Error('the palette is not visible');
    mkdirSync(SCREENSHOTS, { recursive: true });
    const clip = { x: palette.x, y: first.y - 8, width: palette.width, height: last.y + last.height + 8 - (first.y - 8) };
    await page.screenshot({ path: path.join(SCREENSHOTS, 'designer-palette-connectors.png'), clip });
  });

  it('gives the connectors this flow does not use a form, a card summary and a title too', async () => {
    const { page } = h;
    const cases = [
      { type: 'http', id: 'http', field: 'url', text: '${env.API_URL}/users/${conn.params.topic}' },
      { type: 'redisIn', id: 'redis-in', field: 'channel', text: 'news:${conn.params.topic}' },
      { type: 'redisOut', id: 'redis-out', field: 'channel', text: 'echo:${conn.params.topic}' },
    ];
    for (const c of cases) {
      await page.click(`[data-testid="palette-${c.type}"]`);
      await selectNode(page, c.id);
      await typeInto(page, `[data-testid="action-${c.field}"]`, c.text);
      await expectConnector(page, c.id, kindOf(c.type)?.title ?? c.type, c.text);
      // Off the canvas again with the keyboard, so the flow below starts from nothing.
      await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
      await node(page, c.id).locator('.card__head').click();
      await page.keyboard.press('Delete');
      await node(page, c.id).waitFor({ state: 'detached', timeout: 5000 });
    }
  });

  it('builds the bridge with the palette, quick-add, edges and the connector forms', async () => {
    const { page } = h;
    await dragFromPalette(page, 'upgrader', 120, 160);
    await dragFromPalette(page, 'service', 420, 160);
    await dragFromPalette(page, 'mqttIn', 720, 60);
    await quickAdd(page, 'mqttOut');
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(4);

    // A subscribe-only connector has an input and nothing after it; publish may also be a chain step.
    await expect(node(page, 'mqtt-in').locator('.react-flow__handle.target').count()).resolves.toBe(1);
    await expect(node(page, 'mqtt-in').locator('.react-flow__handle.source').count()).resolves.toBe(0);
    await expect(node(page, 'mqtt-out').locator('.react-flow__handle.target').count()).resolves.toBe(1);

    await dragEdge(page, 'upgrader', 'service');
    await dragEdge(page, 'service', 'mqtt-in');
    await dragEdge(page, 'service', 'mqtt-out');
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(3);

    await selectNode(page, 'upgrader');
    await typeInto(page, '[data-testid="upgrader-basePath"]', '/topics');
    await typeInto(page, '[data-testid="upgrader-upgradePath"]', '/{topic}');
    await rename(page, 'upgrader', 'topics');
    await rename(page, 'service', 'bridge');

    await rename(page, 'mqtt-in', 'from-mqtt');
    await typeInto(page, '[data-testid="action-url"]', '${env.MQTT_URL}');
    await typeInto(page, '[data-testid="action-topic"]', '${conn.params.topic}');
    await page.selectOption('[data-testid="action-qos"]', '1');
    await expectConnector(page, 'from-mqtt', 'MQTT subscribe', '${conn.params.topic}');

    await rename(page, 'mqtt-out', 'to-mqtt');
    await typeInto(page, '[data-testid="action-url"]', '${env.MQTT_URL}');
    await typeInto(page, '[data-testid="action-topic"]', '${conn.params.topic}');
    await page.selectOption('[data-testid="action-qos"]', '1');
    await expectConnector(page, 'to-mqtt', 'MQTT publish', '${conn.params.topic}');
    // Bound to a service it publishes what the client sends: the chain step's payload is not asked for.
    await expect(page.locator('[data-testid="action-payload"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="action-retain"]').count()).resolves.toBe(1);

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await typeInto(page, '[data-testid="flow-name"]', 'mqtt-bridge');
    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    // Tidy up (auto layout, Ctrl+Shift+L) for the picture of a connector's form.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await andFitView(page, () => page.keyboard.press(`${MOD}+Shift+L`));
    await selectNode(page, 'from-mqtt');
    await h.shot('designer-connector-form');

    expectSameFlow(await saveAs(h, 'mqtt-bridge.wsflow.yaml'), 'mqtt-bridge.wsflow.yaml');
  });

  it('runs it: broker messages reach the test client, and its texts reach the broker', async () => {
    const { page } = h;
    await startRun(page);
    await openTab(page, 'clients');
    await page.locator('[data-testid="client-param-topic"]').click();
    await page.keyboard.type('room-a', { delay: 5 });
    await page.click('[data-testid="client-connect"]');
    // mqttIn lets the client in once the broker confirmed its subscription.
    await page.locator('[data-testid="client-c1"].client--open').waitFor({ timeout: 20_000 });

    const got: string[] = [];
    peer = await mqtt.connectAsync(broker.url, { connectTimeout: 5000 });
    peer.on('message', (_topic, payload) => got.push(payload.toString('utf8')));
    await peer.subscribeAsync('room-a', { qos: 1 });

    await peer.publishAsync('room-a', 'from the broker', { qos: 1 });
    await received(page, 'c1', 'from the broker').waitFor({ timeout: 20_000 });

    // The publishing side shares one broker connection per URL, which may still be coming up:
    // send again (bounded) until the broker has it.
    for (let attempt = 1; !got.includes('from the browser'); attempt++) {
      await sendFromClient(page, 'c1', 'from the browser');
      await waitFor('the broker to get the client text', () => got.includes('from the browser'), 2000, 20).catch((error: unknown) => {
        if (attempt >= 10) throw error;
      });
    }
    // What the client published comes back to it through the subscription on the same topic.
    await received(page, 'c1', 'from the browser').first().waitFor({ timeout: 10_000 });
    await stopRun(page);
  });
});

describe('designer: ws-proxy from an empty canvas', () => {
  let h: Harness;
  beforeAll(async () => {
    backend.reset();
    h = await startHarness({ browser });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('builds the proxy with the palette, an edge to the backend connector and its form', async () => {
    const { page } = h;
    await dragFromPalette(page, 'upgrader', 120, 160);
    await dragFromPalette(page, 'service', 420, 160);
    // The keyboard path of the palette: focus the item, Enter.
    await page.locator('[data-testid="palette-wsBackend"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(3);
    await expect(node(page, 'ws-backend').locator('.react-flow__handle.source').count()).resolves.toBe(0);

    await dragEdge(page, 'upgrader', 'service');
    await dragEdge(page, 'service', 'ws-backend');
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(2);

    await selectNode(page, 'upgrader');
    await typeInto(page, '[data-testid="upgrader-basePath"]', '/proxy');
    // The sample has no upgrade path (the base path alone): empty the field.
    await page.locator('[data-testid="upgrader-upgradePath"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.press('Delete');
    await rename(page, 'upgrader', 'proxy');
    await rename(page, 'service', 'proxied');
    await rename(page, 'ws-backend', 'backend');
    await typeInto(page, '[data-testid="action-url"]', '${env.BACKEND_URL}');
    await typeLines(page, '[data-testid="action-headers"]', ['x-via: wsflow designer', 'x-client: ${conn.id}']);
    await typeInto(page, '[data-testid="action-subprotocols"]', 'chat.v2, chat.v1');
    await expectConnector(page, 'backend', 'WebSocket backend', '${env.BACKEND_URL}');
    // What was typed is what the form shows back: both header lines, both subprotocols.
    await expect(page.locator('[data-testid="action-headers"]').inputValue()).resolves.toBe('x-via: wsflow designer\nx-client: ${conn.id}');
    await expect(page.locator('[data-testid="action-subprotocols"]').inputValue()).resolves.toBe('chat.v2, chat.v1');

    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await typeInto(page, '[data-testid="flow-name"]', 'ws-proxy');
    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });

    expectSameFlow(await saveAs(h, 'ws-proxy.wsflow.yaml'), 'ws-proxy.wsflow.yaml', {
      backend: { headers: { 'x-via': 'wsflow designer', 'x-client': '${conn.id}' }, subprotocols: ['chat.v2', 'chat.v1'] },
    });
  });

  it('runs it: each client gets its own backend connection, messages pass both ways, closes propagate', async () => {
    const { page } = h;
    await startRun(page);
    await openTab(page, 'clients');
    const next = backend.nextConnection(20_000);
    await page.click('[data-testid="client-connect"]');
    const conn = await next;
    await page.locator('[data-testid="client-c1"].client--open').waitFor({ timeout: 20_000 });
    expect(conn.headers['x-via']).toBe('wsflow designer');
    expect(conn.headers['x-client']).toMatch(/\S/);
    expect(String(conn.headers['sec-websocket-protocol']).split(/,\s*/)).toEqual(['chat.v2', 'chat.v1']);

    // Client -> backend (which echoes it) -> client.
    await sendFromClient(page, 'c1', 'through the proxy');
    await waitFor('the backend to get the client text', () => conn.received.some((m) => m.data.toString('utf8') === 'through the proxy'), 10_000);
    await received(page, 'c1', 'through the proxy').waitFor({ timeout: 10_000 });
    // Backend -> client, unasked.
    conn.socket.send('pushed by the backend');
    await received(page, 'c1', 'pushed by the backend').waitFor({ timeout: 10_000 });
    // The backend closes: so is the client.
    conn.socket.close(1000, 'backend done');
    await page.locator('[data-testid="client-c1"].client--closed').waitFor({ timeout: 10_000 });
    await stopRun(page);
    expect(h.consoleErrors).toEqual([]);
  });
});
