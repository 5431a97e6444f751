/**
 * "Make component" in the designer (docs/components.md): a selected chain step becomes
 * `shout.wsflow-component.yaml` beside the flow through Edit > Make component… and its name
 * dialog (typed), one component node takes its place with the edges rewired, the palette lists
 * the new component, a second use is placed from it and wired, and a live run with the built-in
 * test client answers through both uses. Undo puts the steps back and leaves the written file.
 * Screenshot: designer-make-component.png (docs/screenshots/ with WSFLOW_SCREENSHOTS=1).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENSHOTS, useHarness } from './harness.ts';
import { connectClient, dragEdge, MOD, node, openTab, selectNode, typeInto } from './ui.ts';

const FLOW = `wsflow: 1
name: shouts
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 60 }
    basePath: /chat
  - id: svc
    type: service
    position: { x: 300, y: 60 }
  - id: on-text
    type: onText
    position: { x: 600, y: 60 }
  - id: shout-once
    type: reply
    position: { x: 880, y: 60 }
    message: "one: \${text}"
  - id: done
    type: log
    position: { x: 1160, y: 60 }
    message: done
edges:
  - { from: upgrader, to: svc }
  - { from: svc, to: on-text }
  - { from: on-text, to: shout-once }
  - { from: shout-once, to: done }
`;

const h = useHarness({ files: { 'shouts.wsflow.yaml': FLOW }, open: 'shouts.wsflow.yaml' });

describe('make component', () => {
  it('makes a component from a selection through the Edit menu and a typed name', async () => {
    const { page } = h;
    await node(page, 'shout-once').waitFor({ timeout: 30_000 });
    await selectNode(page, 'shout-once');
    await page.locator('[data-testid="menu-Edit"]').click();
    await page.locator('[data-testid="cmd-edit.makeComponent"]').click();
    await page.locator('[data-testid="make-component-name"]').waitFor();
    await page.keyboard.type('shout');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="dialog-makeComponent"]').waitFor({ state: 'detached', timeout: 10_000 });

    const file = path.join(h.dir, 'shout.wsflow-component.yaml');
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('one: ${text}');
    await node(page, 'shout').waitFor({ timeout: 10_000 });
    await expect(node(page, 'shout-once').count()).resolves.toBe(0);
    await page.locator('.react-flow__edge[data-id="on-text->shout"]').waitFor({ state: 'attached', timeout: 10_000 });
    await page.locator('.react-flow__edge[data-id="shout:next->done"]').waitFor({ state: 'attached', timeout: 10_000 });
    await page.locator('[data-testid="palette-component-shout"]').waitFor({ timeout: 10_000 });

    // One undoable change: undo brings the step back (the file stays), redo the component node.
    await page.locator('[data-testid="canvas"] .react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press(`${MOD}+z`);
    await node(page, 'shout-once').waitFor({ timeout: 10_000 });
    await expect(node(page, 'shout').count()).resolves.toBe(0);
    expect(existsSync(file)).toBe(true);
    await page.keyboard.press(`${MOD}+Shift+z`);
    await node(page, 'shout').waitFor({ timeout: 10_000 });
  });

  it('uses it a second time from the palette, and both uses answer in a live run', async () => {
    const { page } = h;
    await page.click('[data-testid="palette-component-shout"]');
    await node(page, 'component').waitFor({ timeout: 10_000 });
    await dragEdge(page, 'done', 'component');
    await page.locator('.react-flow__edge[data-id="done->component"]').waitFor({ state: 'attached', timeout: 10_000 });
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });

    await typeInto(page, '[data-testid="run-port"]', '0');
    await page.keyboard.press('F5');
    // The status is there before the run listens: connect once it shows the run's address.
    await expect.poll(async () => (await page.locator('[data-testid="run-status"]').textContent()) ?? '', { timeout: 30_000 }).toMatch(/ws:\/\/127\.0\.0\.1:\d+/);
    await connectClient(page, {});
    await page.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('hi');
    await page.locator('[data-testid="client-send"]').click();
    const received = page.locator('[data-testid="client-c1"] [data-testid="client-timeline"] .tl--received', { hasText: 'one: hi' });
    await expect.poll(() => received.count(), { timeout: 15_000 }).toBe(2);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'designer-make-component.png') });
  });

  it('opens the component from a use, changes a field inside it, and both uses answer the new way after the reload', async () => {
    const { page } = h;
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
    await selectNode(page, 'shout');
    await page.locator('[data-testid="open-component"]').click();
    const back = page.locator('[data-testid="breadcrumb-back"]', { hasText: 'shouts.wsflow.yaml' });
    await back.waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="doc-title"]').textContent()).resolves.toContain('shout.wsflow-component.yaml');
    // Checked as a component, not as a flow (no "not reached from any handler", no "output in a flow").
    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    await selectNode(page, 'shout-once');
    await page.locator('[data-testid="action-message"]').click();
    await page.keyboard.press(`${MOD}+a`);
    await page.keyboard.type('two: ${text}');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'designer-component-open.png') });
    await back.click();
    await node(page, 'shout').waitFor({ timeout: 10_000 });
    await expect(back.count()).resolves.toBe(0);
    expect(readFileSync(path.join(h.dir, 'shout.wsflow-component.yaml'), 'utf8')).toContain('two: ${text}');

    await page.keyboard.press('F5');
    // The status is there before the run listens: connect once it shows the run's address.
    await expect.poll(async () => (await page.locator('[data-testid="run-status"]').textContent()) ?? '', { timeout: 30_000 }).toMatch(/ws:\/\/127\.0\.0\.1:\d+/);
    await connectClient(page, {});
    await page.locator('[data-testid="client-message"]').last().click();
    await page.keyboard.type('hi');
    await page.locator('[data-testid="client-send"]').last().click();
    const received = page.locator('[data-testid="client-timeline"] .tl--received', { hasText: 'two: hi' });
    await expect.poll(() => received.count(), { timeout: 15_000 }).toBe(2);
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });

    // A double-click on the second use's card opens the same file.
    await node(page, 'component').locator('.card__head').dblclick();
    await back.waitFor({ timeout: 10_000 });
    await node(page, 'shout-once').waitFor({ timeout: 10_000 });
    await back.click();
    await node(page, 'component').waitFor({ timeout: 10_000 });
  });
});
