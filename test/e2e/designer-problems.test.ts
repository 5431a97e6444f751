/**
 * One message per problem, worded once: the backend's words under the field (no second, local
 * wording; not repeated in the node's list), the same words from the check and from Run for a
 * snippet that does not parse, and an emptied port field that keeps its value and says so.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.ts';
import { MOD, openTab, selectNode } from './ui.ts';

const FLOW = `wsflow: 1
name: broken
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 40 }
    basePath: /broken
  - id: service
    type: service
    position: { x: 320, y: 40 }
  - id: on-text
    type: onText
    position: { x: 640, y: 40 }
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text
      }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-text }
`;

const SYNTAX = "Syntax error in the snippet (line 3): ',' expected.";

const h = useHarness({ files: { 'broken.wsflow.yaml': FLOW }, open: 'broken.wsflow.yaml' });

const problemRows = () => h.page.locator('[data-testid="problems"] .problem');

/** Select everything in a field and type over it, key by key. */
async function retype(testId: string, text: string): Promise<void> {
  await h.page.locator(`[data-testid="${testId}"]`).click();
  await h.page.keyboard.press(`${MOD}+A`);
  if (text) await h.page.keyboard.type(text);
  else await h.page.keyboard.press('Backspace');
}

describe('one message per problem', () => {
  it('words a snippet syntax error the same from the check and from Run', async () => {
    const { page } = h;
    await openTab(page, 'problems');
    await problemRows().filter({ hasText: SYNTAX }).waitFor({ timeout: 120_000 });
    const fromCheck = await problemRows().allTextContents();
    expect(fromCheck).toHaveLength(1);
    await page.keyboard.press('F5');
    // The Run gate shows the error first; Run anyway lets the backend refuse it in its own words.
    await page.locator('[data-testid="dialog-run-gate"]', { hasText: 'WSF_SNIPPET_SYNTAX' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="run-gate-run"]').click();
    await page.locator('.toast', { hasText: 'Cannot start' }).waitFor({ timeout: 30_000 });
    // Run's refusal replaced the list: still one row, word for word the check's.
    const fromRun = await problemRows().allTextContents();
    expect(fromRun).toEqual(fromCheck);
    expect(fromRun[0]).toContain('WSF_SNIPPET_SYNTAX');
  });

  it('shows a bad flow name once, in the backend\'s words', async () => {
    const { page } = h;
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await retype('flow-name', 'Bad Name');
    const error = page.locator('.field__error', { hasText: "'name' must be lower-case letters" });
    await error.waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-testid="inspector"] .field__error').count()).resolves.toBe(1);
    const message = (await error.textContent()) ?? '';
    await expect(problemRows().filter({ hasText: message }).count()).resolves.toBe(1);
    await retype('flow-name', 'broken');
    await error.waitFor({ state: 'detached', timeout: 60_000 });
  });

  it('shows a bad path under its field, not again in the node\'s list', async () => {
    const { page } = h;
    await selectNode(page, 'upgrader');
    await retype('upgrader-basePath', 'chat');
    const error = page.locator('.field__error', { hasText: "basePath 'chat' must start with '/'" });
    await error.waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-testid="inspector"] .field__error').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid="inline-problems"]').count()).resolves.toBe(0);
    await retype('upgrader-basePath', '/broken');
    await error.waitFor({ state: 'detached', timeout: 60_000 });
  });

  it('keeps the last valid port when the field is emptied, and says so', async () => {
    const { page } = h;
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await retype('flow-port', '');
    await page.locator('[data-testid="flow-port-note"]', { hasText: 'Needs a value; keeping 8080.' }).waitFor();
    // Moving on puts the kept value back in the field; the document never held anything else.
    await page.locator('[data-testid="flow-name"]').click();
    await expect(page.locator('[data-testid="flow-port"]').inputValue()).resolves.toBe('8080');
    await expect(page.locator('[data-testid="flow-port-note"]').count()).resolves.toBe(0);
    await expect(page.locator('.field__error', { hasText: 'listener port' }).count()).resolves.toBe(0);
    expect(h.consoleErrors).toEqual([]);
  });
});
