/**
 * A run you can see: a snippet that throws gets a badge on its node, a runtime entry in Problems
 * with its line, a count in the status bar and a notice that opens the Trace at its row; the
 * status bar words totals with plurals; trace rows filter by connection; test clients send
 * headers, a bearer token and subprotocols.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { node, openTab, typeInto } from './ui.ts';

const FLOW = `wsflow: 1
name: boom
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 40 }
    basePath: /boom
  - id: service
    type: service
    position: { x: 320, y: 40 }
    subprotocols: [chat.v1]
  - id: on-open
    type: onOpen
    position: { x: 640, y: -60 }
    code: |
      export default function onOpen(conn: Connection, ctx: ServiceContext) {
        conn.send(\`auth=\${conn.headers.authorization ?? 'none'} team=\${conn.headers['x-team'] ?? 'none'}\`);
      }
  - id: on-text
    type: onText
    position: { x: 640, y: 80 }
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        if (text === 'boom') throw new Error('kaboom: ' + text);
        conn.send(text);
      }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-open }
  - { from: service, to: on-text }
`;

const h = useHarness({ files: { 'boom.wsflow.yaml': FLOW }, open: 'boom.wsflow.yaml' });

const timeline = (client: string) => h.page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

describe('run visibility', () => {
  it('connects a test client with a subprotocol, a bearer token and a header', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 120_000 });
    await typeInto(page, '[data-testid="run-port"]', '0');
    await page.keyboard.press('F5');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    await openTab(page, 'clients');
    await page.locator('.clients__options summary').click();
    await page.locator('[data-testid="client-protocols"]').click();
    await page.keyboard.type('chat.v1');
    await page.locator('[data-testid="client-token"]').click();
    await page.keyboard.type('s3cret');
    await page.locator('[data-testid="client-headers"]').click();
    await page.keyboard.type('X-Team: blue');
    await page.click('[data-testid="client-connect"]');
    await timeline('c1').locator('.tl--open', { hasText: 'connected (chat.v1)' }).waitFor({ timeout: 15_000 });
    await timeline('c1').locator('.tl--received', { hasText: 'auth=Bearer s3cret team=blue' }).waitFor({ timeout: 15_000 });
    // One connection, worded in the singular; totals before rates.
    await page.locator('[data-testid="run-connections"]', { hasText: /^1 connection$/ }).waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="run-rate"]').textContent()).resolves.toMatch(/^\d+ messages? in, \d+ out \(now /);
  });

  it('shows a throwing snippet on its node, in Problems, in the status bar and in a notice', async () => {
    const { page } = h;
    const input = page.locator('[data-testid="client-c1"] [data-testid="client-message"]');
    await input.click();
    await page.keyboard.type('boom');
    await page.keyboard.press('Enter');
    const notice = page.locator('[data-testid="runtime-notice"]');
    await notice.waitFor({ timeout: 15_000 });
    await expect(notice.textContent()).resolves.toMatch(/on-text threw while running \(line 2\): .*kaboom: boom/);
    await node(page, 'on-text').locator('[data-testid="node-runtime-badge"]').waitFor();
    await page.locator('[data-testid="runtime-count"]', { hasText: '1 runtime error' }).waitFor();
    await expect(node(page, 'on-text').getAttribute('aria-label')).resolves.toMatch(/on-text, 1 error/);
    // The card's run counts come with the next statistics batch: wait for them, so the picture agrees.
    await node(page, 'on-text').locator('[data-testid="node-run-counts"]', { hasText: '1 error' }).waitFor({ timeout: 15_000 });
    await h.shot('designer-runtime-error');

    // The notice opens the Trace at the failing row.
    await page.click('[data-testid="runtime-notice-open"]');
    await expect(page.locator('[data-testid="tab-trace"]').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.locator('.trace__row--focus').textContent()).resolves.toMatch(/kaboom: boom/);
    await expect(notice.count()).resolves.toBe(0);

    // Problems lists it as a runtime error with node and line; a second throw counts, no second notice.
    await openTab(page, 'clients');
    await input.click();
    await page.keyboard.type('boom');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="runtime-count"]', { hasText: '2 runtime errors' }).waitFor({ timeout: 15_000 });
    await openTab(page, 'problems');
    const problem = page.locator('[data-testid="runtime-problem"]');
    await expect(problem.textContent()).resolves.toMatch(/runtime error ×2.*kaboom: boom.*on-text.*line 2/);
    await expect(notice.count()).resolves.toBe(0);
  });

  it('filters the trace by connection', async () => {
    const { page } = h;
    await openTab(page, 'clients');
    await page.locator('[data-testid="client-connect"]').click();
    await timeline('c2').locator('.tl--received', { hasText: 'auth=' }).waitFor({ timeout: 15_000 });
    await openTab(page, 'trace');
    // The second client's trace reaches the panel in the next trace batch: wait for its option.
    const option = page.locator('[data-testid="trace-connection"] option');
    await expect.poll(() => option.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const options = await option.allTextContents();
    const second = options[2] ?? '';
    await page.selectOption('[data-testid="trace-connection"]', second);
    const rows = await page.locator('[data-testid="trace-list"] .trace__row').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.includes('kaboom'))).toBe(false);
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 15_000 });
    expect(h.consoleErrors).toEqual([]);
  });
});
