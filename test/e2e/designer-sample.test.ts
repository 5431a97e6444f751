/**
 * The chat sample in the designer: run it with two test clients (this test takes the README's
 * screenshot, docs/screenshots/designer-chat.png), the dark theme, proof that no request leaves
 * 127.0.0.1, recovery of unsaved work after a reload, and AsyncAPI import.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECOVERY_DIR } from '../../runtime/studio/protocol.ts';
import { REPO } from '../../runtime/studio/renderer-build.ts';
import { waitFor } from '../helpers/wait.ts';
import { useHarness } from './harness.ts';
import { connectClient, MOD, node, openTab, selectNode, waitForHighlighting, waitForTheme, typeInto } from './ui.ts';

const CHAT = readFileSync(new URL('../../samples/chat.wsflow.yaml', import.meta.url), 'utf8');
const ASYNCAPI = `asyncapi: '2.6.0'
info:
  title: Ticker
  version: '1.0.0'
channels:
  /ticks/{symbol}:
    parameters:
      symbol:
        schema: { type: string }
    subscribe:
      message:
        name: Tick
        payload: { type: string }
`;

const h = useHarness({ files: { 'chat.wsflow.yaml': CHAT, 'ticker.asyncapi.yaml': ASYNCAPI }, open: 'chat.wsflow.yaml' });

const timeline = (client: string) => h.page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

describe('designer with the chat sample', () => {
  it('opens the sample valid, runs it, and two clients see the broadcast (README screenshot)', async () => {
    const { page } = h;
    // The harness returns once the backend is connected; the file loads after that.
    await page.locator('.react-flow__node').nth(4).waitFor();
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(5);
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    await typeInto(page, '[data-testid="run-port"]', '0');
    await page.keyboard.press('F5');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });

    await connectClient(page, { name: 'alice' }, 'age=30');
    await timeline('c1').locator('.tl--received', { hasText: 'Hi alice! You have successfully connected to the chat' }).waitFor({ timeout: 10_000 });
    await timeline('c1').locator('.tl--received', { hasText: 'alice with age 30 connected to chat' }).waitFor({ timeout: 10_000 });
    await connectClient(page, { name: 'bob' }, 'age=27');
    await timeline('c1').locator('.tl--received', { hasText: 'bob with age 27 connected to chat' }).waitFor({ timeout: 10_000 });
    // A taken name is refused with 1003, as in the Ballerina guide.
    await connectClient(page, { name: 'bob' });
    await timeline('c3').locator('.tl--close', { hasText: '1003 Username already exists.' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="client-c3"] [data-testid="client-close"]').click();

    await selectNode(page, 'on-text');
    await page.locator('[data-testid="run-connections"]', { hasText: '2 connections' }).waitFor({ timeout: 10_000 });
    // The node that runs glows on the canvas (for a moment, so watch before sending).
    const glow = node(page, 'on-text').locator('.card--firing').waitFor({ timeout: 15_000 });
    for (const [client, text] of [['c1', 'Hello Bob!'], ['c2', 'Hi Alice, how are you?']] as const) {
      const input = page.locator(`[data-testid="client-${client}"] [data-testid="client-message"]`);
      await typeInto(page, `[data-testid="client-${client}"] [data-testid="client-message"]`, text);
      await input.press('Enter');
    }
    await glow;
    await timeline('c2').locator('.tl--received', { hasText: 'alice: Hello Bob!' }).waitFor({ timeout: 10_000 });
    await timeline('c1').locator('.tl--received', { hasText: 'bob: Hi Alice, how are you?' }).waitFor({ timeout: 10_000 });
    await waitForHighlighting(page);
    await page.mouse.move(0, 0);
    await h.shot('designer-chat');
  });

  it('shows invocations and snippet logs per node in the trace', async () => {
    const { page } = h;
    await openTab(page, 'trace');
    await page.locator('[data-testid="trace-list"] .trace__row', { hasText: 'alice: Hello Bob!' }).first().waitFor({ timeout: 10_000 });
    await h.shot('designer-trace');
    await openTab(page, 'clients');
  });

  it('has a dark theme', async () => {
    const { page } = h;
    await page.keyboard.press('Alt+T');
    await expect(page.evaluate('document.documentElement.dataset.theme')).resolves.toBe('dark');
    await waitForTheme(page, 'dark');
    await h.shot('designer-chat-dark');
    await page.keyboard.press('Alt+T');
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 10_000 });
  });

  it('never makes a request that leaves 127.0.0.1 (Monaco, workers and fonts are local)', () => {
    const port = h.studio.port;
    expect(h.requests.length).toBeGreaterThan(5);
    // The TypeScript worker was loaded (from this origin).
    expect(h.requests.some((u) => /ts\.worker/.test(u))).toBe(true);
    const foreign = h.requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      const url = new URL(u);
      return url.hostname !== '127.0.0.1' || url.port !== String(port);
    });
    expect(foreign).toEqual([]);
    expect(h.consoleErrors).toEqual([]);
  });

  it('offers unsaved work back after the page is reloaded', async () => {
    const { page } = h;
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await typeInto(page, '[data-testid="flow-name"]', 'chat-recovered');
    await page.locator('[data-testid="dirty-marker"]').waitFor();
    // Autosave (every 3 s) writes the recovery copy the reload offers back: wait for it on disk.
    const recoveryDir = path.join(h.dir, RECOVERY_DIR);
    await waitFor('the autosaved recovery copy', () => existsSync(recoveryDir) && readdirSync(recoveryDir).some((f) => /^name: chat-recovered$/m.test(readFileSync(path.join(recoveryDir, f), 'utf8'))), 20_000, 100);
    page.once('dialog', (d) => void d.accept());
    await page.reload();
    await page.locator('[data-testid="recovery-banner"]').waitFor({ timeout: 20_000 });
    await h.shot('designer-recovery');
    await page.click('[data-testid="recovery-restore"]');
    await expect(page.locator('[data-testid="flow-name"]').inputValue()).resolves.toBe('chat-recovered');
    await page.locator('[data-testid="dirty-marker"]').waitFor();
    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached' });
    expect(readFileSync(`${h.dir}/chat.wsflow.yaml`, 'utf8')).toMatch(/^name: chat-recovered$/m);
    // Saving keeps the sample's comments.
    expect(readFileSync(`${h.dir}/chat.wsflow.yaml`, 'utf8')).toContain('# The chat room of Ballerina');
  });

  it('imports an AsyncAPI document as a new flow', async () => {
    const { page } = h;
    await page.keyboard.press(`${MOD}+I`);
    await page.locator('[data-testid="dialog-import"]').waitFor();
    await page.locator('[data-testid="dialog-import"] .file-list__item', { hasText: 'ticker.asyncapi.yaml' }).click();
    await page.locator('[data-testid="toast-success"]', { hasText: 'Imported a flow' }).waitFor({ timeout: 20_000 });
    await page.locator('.react-flow__node .card__path', { hasText: '/ticks/{symbol}' }).waitFor({ timeout: 5000 });
    await expect(page.locator('[data-testid="doc-title"]').textContent()).resolves.toContain('untitled');
  });
});

void REPO;
