/**
 * The Trace shows what each handler got: a row carries the message a test client typed (cut short,
 * expanded by a click or Enter), and the rows filter by node and by connection. Takes the docs'
 * picture of a resized layout (inspector and dock dragged).
 */
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { useHarness } from './harness.ts';
import { dragSplitter, MOD, openTab } from './ui.ts';

const FLOW = `wsflow: 1
name: shout
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 40 }
    basePath: /shout
  - id: service
    type: service
    position: { x: 320, y: 40 }
  - id: on-open
    type: onOpen
    position: { x: 640, y: -60 }
    code: |
      export default function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.send('welcome');
      }
  - id: on-text
    type: onText
    position: { x: 640, y: 80 }
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send(text.toUpperCase());
      }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-open }
  - { from: service, to: on-text }
`;

const LONG = 'the quick brown fox jumps over the lazy dog and keeps on running past the barn';

// bypassCSP: only to inject axe-core.
const h = useHarness({ files: { 'shout.wsflow.yaml': FLOW }, open: 'shout.wsflow.yaml', bypassCSP: true });

const client = (name: string) => h.page.locator(`[data-testid="client-${name}"]`);
const rows = () => h.page.locator('[data-testid="trace-list"] .trace__row');

/** Connect one more test client and type a message into it. */
async function connectAndSend(name: string, text: string): Promise<void> {
  const { page } = h;
  await openTab(page, 'clients');
  await page.click('[data-testid="client-connect"]');
  await client(name).locator('[data-testid="client-timeline"] .tl--received', { hasText: 'welcome' }).waitFor({ timeout: 15_000 });
  await client(name).locator('[data-testid="client-message"]').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await client(name).locator('[data-testid="client-timeline"] .tl--received', { hasText: text.toUpperCase() }).waitFor({ timeout: 15_000 });
}

describe('trace rows', () => {
  it('show the message a client sent, cut short and expandable by click and by Enter', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="run-port"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('0');
    await page.keyboard.press('F5');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    await connectAndSend('c1', LONG);
    await openTab(page, 'trace');
    const row = rows().filter({ hasText: 'on-text' }).first();
    await row.waitFor({ timeout: 15_000 });
    const input = row.locator('[data-testid="trace-input"]');
    // Collapsed: the first 60 characters and an ellipsis, not the whole message.
    await expect(input.textContent()).resolves.toBe(`“${LONG.slice(0, 60)}…”`);
    await expect(input.getAttribute('aria-expanded')).resolves.toBe('false');
    await input.click();
    await expect(input.textContent()).resolves.toBe(`“${LONG}”`);
    await expect(input.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.press('Enter');
    await expect(input.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(await axeViolations(page)).toEqual([]);
    // The open event got no message, so its row shows none.
    await expect(rows().filter({ hasText: 'on-open' }).first().locator('[data-testid="trace-input"]').count()).resolves.toBe(0);
  });

  it('filter by node and by connection', async () => {
    const { page } = h;
    await connectAndSend('c2', 'second client');
    await openTab(page, 'trace');
    await rows().filter({ hasText: 'second client' }).first().waitFor({ timeout: 15_000 });

    await page.selectOption('[data-testid="trace-node"]', 'on-open');
    await rows().filter({ hasText: 'on-text' }).first().waitFor({ state: 'detached', timeout: 5000 });
    const opens = await rows().allTextContents();
    expect(opens.length).toBe(2);
    expect(opens.every((r) => r.includes('on-open'))).toBe(true);

    await page.selectOption('[data-testid="trace-node"]', 'on-text');
    await rows().filter({ hasText: 'on-open' }).first().waitFor({ state: 'detached', timeout: 5000 });
    const texts = await rows().allTextContents();
    expect(texts.length).toBe(2);
    expect(texts.every((r) => r.includes('on-text'))).toBe(true);

    // The second connection's rows: its message and not the first client's.
    const connections = await page.locator('[data-testid="trace-connection"] option').allTextContents();
    expect(connections.length).toBe(3);
    await page.selectOption('[data-testid="trace-connection"]', connections[2] ?? '');
    await rows().filter({ hasText: 'quick brown fox' }).first().waitFor({ state: 'detached', timeout: 5000 });
    const second = await rows().allTextContents();
    expect(second).toHaveLength(1);
    expect(second[0]).toContain('“second client”');

    await page.selectOption('[data-testid="trace-node"]', '');
    await page.selectOption('[data-testid="trace-connection"]', '');
    await expect(rows().count()).resolves.toBe(6);
    // Room for the trace: a narrower inspector and a taller dock, dragged (docs/designer.md's picture).
    await dragSplitter(page, 'splitter-inspector', 160, 0);
    await dragSplitter(page, 'splitter-dock', 0, -120);
    await rows().filter({ hasText: 'quick brown fox' }).first().locator('[data-testid="trace-input"]').click();
    await h.shot('designer-resized-layout');
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 15_000 });
    expect(h.consoleErrors).toEqual([]);
  });
});
