/**
 * Seeing and debugging a chain in the designer (issue 27): picking a trace row lights the path
 * the chain took on the canvas, with the branch's port; a failing expression puts its badge on the
 * action node, the notice names node and field, and a click focuses that field's input; the badge
 * goes when the node next runs cleanly, and Stop clears the run's errors. Takes the docs' picture
 * of a lit path.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { MOD, node, openTab, runOnFreePort } from './ui.ts';

const FLOW = `wsflow: 1
name: debug-me
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 60 }
    basePath: /debug
  - id: service
    type: service
    position: { x: 300, y: 60 }
  - id: on-text
    type: onText
    position: { x: 600, y: 60 }
  - id: route
    type: if
    position: { x: 880, y: 60 }
    condition: text.startsWith('hi')
  - id: greet
    type: reply
    position: { x: 1160, y: -40 }
    value: "'hello'"
  - id: reply-1
    type: reply
    position: { x: 1160, y: 160 }
    value: JSON.parse(text).x.y
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-text }
  - { from: on-text, to: route }
  - { from: route, to: greet, port: then }
  - { from: route, to: reply-1, port: else }
`;

const h = useHarness({ files: { 'debug.wsflow.yaml': FLOW }, open: 'debug.wsflow.yaml' });

const client = () => h.page.locator('[data-testid="client-c1"]');
const rows = () => h.page.locator('[data-testid="trace-list"] .trace__row');
const edge = (id: string) => h.page.locator(`[data-testid="rf__edge-${id}"]`);
/** The ⚡ badge of a runtime error on a card. */
const badge = (id: string) => node(h.page, id).locator('.card__badge--runtime');

/** Type a message into the test client and press Enter; wait for the reply when one is expected. */
async function send(text: string, reply?: string): Promise<void> {
  const { page } = h;
  await openTab(page, 'clients');
  await client().locator('[data-testid="client-message"]').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  if (reply !== undefined) await client().locator('[data-testid="client-timeline"] .tl--received', { hasText: reply }).last().waitFor({ timeout: 15_000 });
}

describe('debugging a chain in the designer', () => {
  it('lights the path of a picked trace row, with the port taken and not the other branch', async () => {
    const { page } = h;
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 120_000 });
    await runOnFreePort(page);
    await openTab(page, 'clients');
    await page.click('[data-testid="client-connect"]');
    await page.locator('[data-testid="client-c1"].client--open').waitFor({ timeout: 15_000 });
    await send('hi there', 'hello');

    await openTab(page, 'trace');
    const row = rows().filter({ hasText: 'route → then → greet' }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.locator('.trace__node').click();
    for (const id of ['on-text', 'route', 'greet']) await node(page, id).and(page.locator('.card--on-path')).waitFor({ timeout: 5000 });
    await expect(node(page, 'reply-1').getAttribute('class')).resolves.not.toContain('card--on-path');
    await expect(edge('on-text->route').getAttribute('class')).resolves.toContain('edge--on-path');
    await expect(edge('route:then->greet').getAttribute('class')).resolves.toContain('edge--on-path');
    await expect(edge('route:else->reply-1').getAttribute('class')).resolves.not.toContain('edge--on-path');
    // The picture: only the lit path, once the run's glow of the chain's nodes has faded.
    await page.locator('.card--firing').first().waitFor({ state: 'detached', timeout: 10_000 });
    await h.shot('designer-trace-path');

    // Picking the row again: nothing is lit.
    await row.locator('.trace__node').click();
    await page.locator('.card--on-path').first().waitFor({ state: 'detached', timeout: 5000 });
    await expect(page.locator('.edge--on-path').count()).resolves.toBe(0);
  });

  it('puts a failing field on its action node, focuses it from the notice, and clears when fixed and on Stop', async () => {
    const { page } = h;
    await send('oops');
    await badge('reply-1').waitFor({ timeout: 15_000 });
    await expect(badge('on-text').count()).resolves.toBe(0);
    const notice = page.locator('[data-testid="runtime-notice"]');
    await notice.waitFor({ timeout: 5000 });
    const said = (await notice.textContent()) ?? '';
    expect(said).toContain("'reply-1' failed in field 'value':");
    expect(said).not.toMatch(/line \d/);
    await expect(page.locator('[data-testid="statusbar"]').textContent()).resolves.not.toContain('Syntax error in the snippet');

    // The trace row names the node and field, and picking it selects the node and its field.
    await openTab(page, 'trace');
    const failed = rows().filter({ hasText: "in 'reply-1' field 'value'" }).first();
    await failed.waitFor({ timeout: 5000 });
    await expect(failed.textContent()).resolves.toContain('route → else → reply-1');

    await failed.locator('.trace__node').click();
    await page.locator('[data-testid="node-id"][value="reply-1"]').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="action-value"]:focus-within').waitFor({ timeout: 5000 });
    await node(page, 'reply-1').and(page.locator('.card--on-path')).waitFor({ timeout: 5000 });
    await expect(edge('route:else->reply-1').getAttribute('class')).resolves.toContain('edge--on-path');
    // Nothing selected on the canvas: nothing lit.
    await page.keyboard.press('Escape');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.locator('.card--on-path').first().waitFor({ state: 'detached', timeout: 5000 });

    await page.locator('[data-testid="runtime-notice-go"]').click();
    await page.locator('[data-testid="node-id"][value="reply-1"]').waitFor({ timeout: 5000 });
    await page.locator('[data-testid="action-value"]:focus-within').waitFor({ timeout: 5000 });

    // The next message that runs reply-1 cleanly ends its error, with no reload in between.
    await send('{"x":{"y":"ok"}}', 'ok');
    await badge('reply-1').waitFor({ state: 'detached', timeout: 5000 });
    await send('oops');
    await badge('reply-1').waitFor({ timeout: 15_000 });

    // Fix the field by typing: after the next message the badge is gone.
    await page.locator('[data-testid="action-value"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('JSON.parse(text).x');
    await page.locator('[data-testid="reload-note"]', { hasText: 'reloaded' }).waitFor({ timeout: 15_000 });
    await send('{"x":"fine"}', 'fine');
    await badge('reply-1').waitFor({ state: 'detached', timeout: 5000 });

    // Fails again; Stop ends the run's errors.
    await send('oops');
    await badge('reply-1').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="runtime-count"]').waitFor({ timeout: 5000 });
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-status"]').waitFor({ state: 'detached', timeout: 15_000 });
    await badge('reply-1').waitFor({ state: 'detached', timeout: 5000 });
    await expect(page.locator('[data-testid="runtime-count"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="runtime-notice"]').count()).resolves.toBe(0);
  });
});
