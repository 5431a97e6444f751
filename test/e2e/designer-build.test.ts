/**
 * The whole designer story in a real Chromium against a real studio backend: from an empty
 * canvas, build the chat flow with mouse and keyboard, type the snippets in Monaco, see a type
 * error appear and fix it, save, run, connect two test clients and see the broadcast, change a
 * snippet while it runs and see the new behaviour on the same connections, and export.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { useHarness } from './harness.ts';
import { andFitView, connectClient, dragEdge, dragFromPalette, MOD, node, openTab, retypeWord, selectNode, typeSnippet, typeInto } from './ui.ts';

const ON_OPEN = `export default function onOpen(conn: Connection, ctx: ServiceContext) {
  const age = conn.query.age;
  ctx.broadcast(age === undefined ? \`\${conn.params.name} connected to chat\` : \`\${conn.params.name} with age \${age} connected to chat\`);
}
`;
const ON_TEXT = `export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
  ctx.broadcast(\`\${conn.params.name}: \${text}\`);
}
`;
const ON_TEXT_V2 = ON_TEXT.replace('`${conn.params.name}: ${text}`', '`${conn.params.name} says: ${text.toUpperCase()}`');
const ON_CLOSE = `export default function onClose(conn: Connection, code: number, reason: string, ctx: ServiceContext) {
  ctx.broadcast(\`\${conn.params.name} left the chat\`);
}
`;

const h = useHarness();

const timeline = (client: string) => h.page.locator(`[data-testid="client-${client}"] [data-testid="client-timeline"]`);

describe('designer: build, check, save, run, test, hot reload, export', () => {
  it('builds the chat flow on an empty canvas with mouse and keyboard', async () => {
    const { page } = h;
    await expect(page.locator('.canvas__empty').textContent()).resolves.toMatch(/Start your flow/);

    await dragFromPalette(page, 'upgrader', 150, 200);
    await dragFromPalette(page, 'service', 430, 200);
    await dragFromPalette(page, 'onOpen', 720, 80);
    await dragFromPalette(page, 'onText', 720, 210);
    // The keyboard path: focus the palette item and press Enter.
    await page.locator('[data-testid="palette-onClose"]').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(5);
    // Auto layout (Ctrl+Shift+L) tidies up after the keyboard placement.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await andFitView(page, () => page.keyboard.press(`${MOD}+Shift+L`));

    // An illegal edge is refused with a visible reason.
    await dragEdge(page, 'upgrader', 'on-text', {
      hold: async (p) => {
        await p.locator('[data-testid="connect-hint"]').waitFor({ timeout: 3000 });
        await expect(p.locator('[data-testid="connect-hint"]').textContent()).resolves.toMatch(/upgrader connects only to a service/);
        await h.shot('designer-refused-edge');
      },
    });
    await page.locator('[data-testid="toast-error"]', { hasText: 'connects only to a service' }).waitFor({ timeout: 3000 });
    await expect(page.locator('.react-flow__edge').count()).resolves.toBe(0);

    await dragEdge(page, 'upgrader', 'service');
    await dragEdge(page, 'service', 'on-open');
    await dragEdge(page, 'service', 'on-text');
    await dragEdge(page, 'service', 'on-close');
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(4);
    await page.click('[data-testid="menu-View"]');
    await page.click('[data-testid="cmd-view.autoLayout"]');

    // Copy and paste a node with the keyboard, then undo the paste.
    await node(page, 'on-close').locator('.card__head').click();
    await page.keyboard.press(`${MOD}+C`);
    await page.keyboard.press(`${MOD}+V`);
    await node(page, 'on-close-2').waitFor();
    await page.keyboard.press(`${MOD}+Z`);
    await node(page, 'on-close-2').waitFor({ state: 'detached' });

    // Undo and redo the last connection from the keyboard.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press(`${MOD}+Z`);
    await page.keyboard.press(`${MOD}+Z`);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(3);
    await page.keyboard.press(`${MOD}+Shift+Z`);
    await page.keyboard.press(`${MOD}+Shift+Z`);
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(4);

    // The upgrader: path, params and a typed query parameter, checked inline.
    await selectNode(page, 'upgrader');
    await typeInto(page, '[data-testid="upgrader-basePath"]', 'chat');
    await page.locator('.field__error', { hasText: "must start with '/'" }).waitFor({ timeout: 60_000 });
    await typeInto(page, '[data-testid="upgrader-basePath"]', '/chat');
    await typeInto(page, '[data-testid="upgrader-upgradePath"]', '/{name}');
    await page.click('[data-testid="query-add"]');
    await typeInto(page, '[data-testid="query-name-0"]', 'age');
    await page.selectOption('[data-testid="query-type-0"]', 'integer');
    await expect(node(page, 'upgrader').locator('.card__path').textContent()).resolves.toBe('/chat/{name}');

    // The service gets a meaningful id; edges follow the rename.
    await selectNode(page, 'service');
    await typeInto(page, '[data-testid="node-id"]', 'chat');
    await page.keyboard.press('Enter');
    await node(page, 'chat').waitFor();
    await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 10_000 }).toBe(4);

    // The flow itself: a machine name.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await typeInto(page, '[data-testid="flow-name"]', 'chat-app');
  });

  it('types the snippets in Monaco, shows a type error, and clears it once fixed', async () => {
    const { page } = h;
    await selectNode(page, 'on-open');
    await typeSnippet(page, ON_OPEN);
    await selectNode(page, 'on-close');
    await typeSnippet(page, ON_CLOSE);
    await selectNode(page, 'on-text');
    await typeSnippet(page, ON_TEXT);
    // Now make a typo, key by key.
    await retypeWord(page, 2, '  ctx.'.length + 1, 'broadcst');

    // Monaco's TypeScript worker squiggles the typo (the handler API .d.ts is loaded)...
    await page.locator('[data-testid="snippet-editor"] .squiggly-error').first().waitFor({ timeout: 30_000 });
    // ...and the backend check lists it in Problems, on the node, with the snippet line.
    await openTab(page, 'problems');
    const problem = page.locator('[data-testid="problems"] .problem', { hasText: 'broadcst' });
    await problem.waitFor({ timeout: 30_000 });
    await node(page, 'on-text').locator('[data-testid="node-badge"]').waitFor();
    await h.shot('designer-type-error');
    // Clicking the problem selects the node and puts the cursor on the line.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await problem.click();
    await page.locator('[data-testid="node-id"][value="on-text"]').waitFor();
    await expect(page.locator('[data-testid="snippet-editor"] .current-line').count()).resolves.toBeGreaterThan(0);

    await retypeWord(page, 2, '  ctx.'.length + 1, 'broadcast');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="snippet-editor"] .squiggly-error').count()).resolves.toBe(0);
    await expect(node(page, 'on-text').locator('.card__code').textContent()).resolves.toContain('ctx.broadcast(');
  });

  it('saves as a YAML flow that validates, and clears the dirty marker', async () => {
    const { page } = h;
    await page.locator('[data-testid="dirty-marker"]').waitFor();
    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dialog-saveAs"]').waitFor();
    await typeInto(page, '[data-testid="saveas-name"]', 'chat.wsflow.yaml');
    await page.click('[data-testid="saveas-submit"]');
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached' });
    const file = path.join(h.dir, 'chat.wsflow.yaml');
    const text = readFileSync(file, 'utf8');
    const parsed = parseFlow(text, file);
    expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(parsed.flow?.name).toBe('chat-app');
    expect(parsed.flow?.edges).toHaveLength(4);
    expect(parsed.flow?.nodes.find((n) => n.id === 'on-text')?.code).toBe(ON_TEXT);
    expect(text).toMatch(/code: \|/);
  });

  it('runs the flow, connects two test clients and shows the broadcast', async () => {
    const { page } = h;
    await typeInto(page, '[data-testid="run-port"]', '0');
    await page.click('[data-testid="run-start"]');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });

    await connectClient(page, { name: 'alice' }, 'age=30');
    await timeline('c1').locator('.tl--received', { hasText: 'alice with age 30 connected to chat' }).waitFor({ timeout: 10_000 });
    await connectClient(page, { name: 'bob' });
    await timeline('c1').locator('.tl--received', { hasText: 'bob connected to chat' }).waitFor({ timeout: 10_000 });

    await typeInto(page, '[data-testid="client-c1"] [data-testid="client-message"]', 'hello everyone');
    await page.locator('[data-testid="client-c1"] [data-testid="client-message"]').press('Enter');
    await timeline('c1').locator('.tl--received', { hasText: 'alice: hello everyone' }).waitFor({ timeout: 10_000 });
    await timeline('c2').locator('.tl--received', { hasText: 'alice: hello everyone' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="run-connections"]', { hasText: '2 connections' }).waitFor({ timeout: 5000 });
  });

  it('applies a snippet edit to the running flow without dropping the connections', async () => {
    const { page } = h;
    await selectNode(page, 'on-text');
    await typeSnippet(page, ON_TEXT_V2);
    await page.locator('[data-testid="reload-note"]', { hasText: 'reloaded' }).waitFor({ timeout: 20_000 });
    await typeInto(page, '[data-testid="client-c2"] [data-testid="client-message"]', 'still here');
    await page.locator('[data-testid="client-c2"] [data-testid="client-message"]').press('Enter');
    await timeline('c1').locator('.tl--received', { hasText: 'bob says: STILL HERE' }).waitFor({ timeout: 10_000 });
    await timeline('c2').locator('.tl--received', { hasText: 'bob says: STILL HERE' }).waitFor({ timeout: 10_000 });
    // Same connections: nobody was closed, and both cards are still open.
    await expect(page.locator('.tl--close').count()).resolves.toBe(0);
    await expect(page.locator('.client--open').count()).resolves.toBe(2);
    // The trace shows the invocations of the nodes that fired.
    await openTab(page, 'trace');
    await page.locator('[data-testid="trace-list"] .trace__row', { hasText: 'on-text' }).first().waitFor({ timeout: 10_000 });
    await openTab(page, 'clients');
    await h.shot('designer-built-chat-running');
  });

  it('exports through the dialog, listing the files written', async () => {
    const { page } = h;
    await page.keyboard.press(`${MOD}+E`);
    await page.locator('[data-testid="dialog-export"]').waitFor();
    await page.click('[data-testid="export-submit"]');
    const result = page.locator('[data-testid="export-result"]');
    await result.waitFor({ timeout: 60_000 });
    await expect(result.textContent()).resolves.toContain('export/chat-app/Dockerfile');
    expect(existsSync(path.join(h.dir, 'export/chat-app/asyncapi.yaml'))).toBe(true);
    await h.shot('designer-export');
    // A second export without "overwrite" reports the error in the dialog.
    await page.click('[data-testid="export-submit"]');
    await page.locator('[data-testid="export-error"]').waitFor({ timeout: 60_000 });
    await page.keyboard.press('Escape');
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 10_000 });
    expect(h.consoleErrors).toEqual([]);
  });
});
