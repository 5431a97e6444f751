/**
 * Node kinds from a package in the real designer (real Chromium, real studio backend): a flow
 * names the fixture package (test/fixtures/node-kind-package, installed in the flow folder's
 * node_modules); its kinds appear in the palette once the studio has loaded the package, a person
 * adds them from the palette, wires and fills them with the mouse and keyboard, and a test client
 * of the run sees them work.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { dragEdge, dragFromPalette, node, openTab, selectNode, typeInto } from './ui.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/node-kind-package');
const FLOW = `wsflow: 1
name: shouter
listener: { port: 9301 }
packages:
  - wsflow-kind-shout
nodes:
  - { id: upgrader, type: upgrader, basePath: /shout, position: { x: 0, y: 40 } }
  - { id: service, type: service, position: { x: 320, y: 40 } }
  - { id: on-text, type: onText, position: { x: 0, y: 240 } }
  - { id: reply, type: reply, value: vars.loud, position: { x: 640, y: 240 } }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-text }
`;

const h = useHarness({
  files: {
    'shout.wsflow.yaml': FLOW,
    'node_modules/wsflow-kind-shout/package.json': readFileSync(path.join(FIXTURE, 'package.json'), 'utf8'),
    'node_modules/wsflow-kind-shout/index.ts': readFileSync(path.join(FIXTURE, 'index.ts'), 'utf8'),
  },
  open: 'shout.wsflow.yaml',
});

describe('designer: node kinds from a package', () => {
  it('lists the package kinds in the palette, and a person adds, wires and fills them', async () => {
    const { page } = h;
    // The studio loads the package while it validates the open flow; the palette follows.
    const shout = page.locator('[data-testid="palette-shout"]');
    await shout.waitFor({ timeout: 60_000 });
    await expect(shout.textContent()).resolves.toContain('Shout');
    await expect(page.locator('[data-testid="palette-banner"]').textContent()).resolves.toContain('Banner');
    await h.shot('designer-package-kinds-palette');

    await dragFromPalette(page, 'shout', 420, 330);
    await node(page, 'shout').waitFor();
    await dragFromPalette(page, 'banner', 760, 60);
    await node(page, 'banner').waitFor();
    await dragEdge(page, 'on-text', 'shout');
    await dragEdge(page, 'shout', 'reply');
    await dragEdge(page, 'service', 'banner');
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(5);

    // The package's fields get the generic form: typed like a built-in step's.
    await selectNode(page, 'shout');
    await typeInto(h.page, '[data-testid="action-text"]', '${text}!');
    await expect(node(page, 'shout').locator('.card__code').textContent()).resolves.toBe('${text}!');

    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });
    await h.shot('designer-package-kinds-wired');
    // The designer has the step's spec, not its emit: View code says the studio compiles it, and
    // Convert to code (which would lose the step) is off.
    await selectNode(page, 'on-text');
    await page.click('[data-testid="chain-view-code"]');
    await expect(page.locator('[data-testid="chain-code"]').textContent()).resolves.toContain("'shout' is a step from a package");
    await expect(page.locator('[data-testid="chain-convert"]').isDisabled()).resolves.toBe(true);
  }, 180_000);

  it('runs it: a test client gets the banner, and its text shouted back', async () => {
    const { page } = h;
    await typeInto(h.page, '[data-testid="run-port"]', '0');
    await page.click('[data-testid="run-start"]');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
    await openTab(page, 'clients');
    await page.click('[data-testid="client-connect"]');
    const timeline = page.locator('[data-testid="client-c1"] [data-testid="client-timeline"]');
    await timeline.locator('.tl--received', { hasText: 'welcome' }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="client-c1"] [data-testid="client-message"]').click();
    await page.keyboard.type('hey there', { delay: 10 });
    await page.keyboard.press('Enter');
    await timeline.locator('.tl--received', { hasText: 'HEY THERE!' }).waitFor({ timeout: 20_000 });
    await h.shot('designer-package-kinds-run');
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 20_000 });
    expect(h.consoleErrors).toEqual([]);
  }, 120_000);
});
