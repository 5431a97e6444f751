/**
 * Channels in the real designer (real Chromium, real studio backend; docs/channels.md), driven as
 * a person: the service's channel list (add one with history and presence), the three action
 * nodes' forms (subscribe and publish of the rooms sample, an unsubscribe added from the palette),
 * then a run: the run panel's live channel table (subscribers, last offset), and a test client that
 * closes, misses a message and reconnects with `since` to get exactly what it missed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { useHarness } from './harness.ts';
import { dragEdge, dragFromPalette, node, openTab, selectNode, typeInto } from './ui.ts';

const h = useHarness({
  files: { 'rooms.wsflow.yaml': readFileSync(path.join(REPO_ROOT, 'samples/rooms.wsflow.yaml'), 'utf8') },
  open: 'rooms.wsflow.yaml',
});

/** What a field shows: a text box's value, or the text of a one-line expression editor (Monaco draws spaces as no-break spaces). */
async function value(selector: string): Promise<string> {
  const field = h.page.locator(selector);
  const tag = await field.evaluate((el) => el.tagName);
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return field.inputValue();
  const lines = field.locator('.view-lines');
  await lines.locator('.view-line').first().waitFor({ timeout: 30_000 });
  return ((await lines.textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** The run panel's row of a channel (Metrics tab): subscribers and last offset, as a person reads them. */
async function channelRow(channel: string, subscribers: string, lastOffset: string): Promise<void> {
  await h.page.click('[data-testid="tab-metrics"]');
  const row = h.page.locator(`[data-testid="run-channel-${channel}"]`);
  await expect.poll(async () => (await row.count()) > 0 ? (await row.locator('td').allTextContents()).slice(2) : [], { timeout: 30_000 }).toEqual([subscribers, lastOffset]);
  await openTab(h.page, 'clients');
}

describe('designer: channels', () => {
  it('edits the channels of the service and the subscribe, unsubscribe and publish forms', async () => {
    const { page } = h;
    await node(page, 'rooms').waitFor({ timeout: 30_000 });
    await selectNode(page, 'rooms');
    await expect(value('[data-testid="channel-name-0"]')).resolves.toBe('room:{room}');
    await expect(value('[data-testid="channel-size-0"]')).resolves.toBe('100');

    // A second channel, with history bounded in size and time, and presence.
    await page.click('[data-testid="channel-add"]');
    await typeInto(h.page, '[data-testid="channel-name-1"]', 'lobby');
    await typeInto(h.page, '[data-testid="channel-size-1"]', '10');
    await typeInto(h.page, '[data-testid="channel-ttl-1"]', '60');
    await page.click('[data-testid="channel-presence-1"]');
    await expect(page.locator('[data-testid="channel-presence-1"]').isChecked()).resolves.toBe(true);
    // A bad name is refused under its channel, and fixing it clears the message.
    await typeInto(h.page, '[data-testid="channel-name-1"]', 'lob by');
    await page.locator('[data-testid="channel-1"] .field__error').waitFor({ timeout: 60_000 });
    await typeInto(h.page, '[data-testid="channel-name-1"]', 'lobby');
    await page.locator('[data-testid="channel-1"] .field__error').waitFor({ state: 'detached', timeout: 60_000 });

    // The sample's subscribe and publish steps, in their forms.
    await selectNode(page, 'join');
    await expect(value('[data-testid="action-channel"]')).resolves.toBe('room:{room}');
    await expect(value('[data-testid="action-since"]')).resolves.toBe('conn.query.since');
    await selectNode(page, 'say');
    await expect(value('[data-testid="action-channel"]')).resolves.toBe('room:{room}');
    await expect(value('[data-testid="action-value"]')).resolves.toBe('text');

    // An unsubscribe from the palette, in a chain of its own after onClose.
    await dragFromPalette(page, 'onClose', 250, 420);
    await node(page, 'on-close').waitFor();
    await dragFromPalette(page, 'unsubscribe', 560, 420);
    await node(page, 'unsubscribe').waitFor();
    await dragEdge(page, 'rooms', 'on-close');
    await dragEdge(page, 'on-close', 'unsubscribe');
    await selectNode(page, 'unsubscribe');
    await typeInto(h.page, '[data-testid="action-channel"]', 'room:{room}');
    await expect(node(page, 'unsubscribe').locator('.card__code').textContent()).resolves.toBe('room:{room}');

    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    await h.shot('designer-channels-edit');
  }, 180_000);

  it('runs it: the run panel shows each channel live, and a client reconnects with since to recover what it missed', async () => {
    const { page } = h;
    await typeInto(h.page, '[data-testid="run-port"]', '0');
    await page.click('[data-testid="run-start"]');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
    await openTab(page, 'clients');
    await typeInto(h.page, '[data-testid="client-param-room"]', 'a');
    await page.click('[data-testid="client-connect"]');
    await page.click('[data-testid="client-connect"]');
    const c1 = page.locator('[data-testid="client-c1"]');
    const c2 = page.locator('[data-testid="client-c2"]');
    await c2.locator('.tl--open').waitFor({ timeout: 20_000 });

    // The live table: room:a with two subscribers, nothing published yet.
    await channelRow('room:a', '2', '0');

    await c1.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('one', { delay: 10 });
    await page.keyboard.press('Enter');
    await c2.locator('.tl--received', { hasText: '"offset":1' }).waitFor({ timeout: 20_000 });
    await c1.locator('.tl--received', { hasText: '"offset":1' }).waitFor({ timeout: 20_000 });

    // c1 leaves; c2 says something c1 misses.
    await c1.locator('[data-testid="client-close"]').click();
    await c1.locator('.tl--close').waitFor({ timeout: 20_000 });
    await channelRow('room:a', '1', '1');
    await c2.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('two', { delay: 10 });
    await page.keyboard.press('Enter');
    await c2.locator('.tl--received', { hasText: '"offset":2' }).waitFor({ timeout: 20_000 });
    await channelRow('room:a', '1', '2');

    // Reconnect c1 from the last offset it saw: the new client gets offset 2, and only that.
    await c1.locator('[data-testid="client-reconnect"]', { hasText: 'since 1' }).click();
    const c3 = page.locator('[data-testid="client-c3"]');
    await c3.locator('.tl--received', { hasText: '"offset":2' }).waitFor({ timeout: 20_000 });
    await expect(c3.locator('.client__url').textContent()).resolves.toBe('/rooms/a?since=1');
    await expect(c3.locator('.tl--received').allTextContents()).resolves.toEqual([expect.stringContaining('{"channel":"room:a","offset":2,"data":"two"}')]);
    await h.shot('designer-channels-run');
    await channelRow('room:a', '2', '2');
    await page.click('[data-testid="tab-metrics"]');
    await h.shot('designer-channels-run-table');
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 20_000 });
  }, 180_000);
});
