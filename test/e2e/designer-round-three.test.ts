/**
 * Designer, round three (issue 28), driven as a person: the Run gate (errors shown before a run,
 * "Run anyway"), unwired nodes left out of a run and a live reload instead of refusing it, auto
 * layout that keeps branch order and readable text, the chrome (runtime notice, status bar, dock
 * tabs, the test client's path fields), Find a node and Duplicate.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, REPO } from '../../runtime/studio/renderer-build.ts';
import { launchBrowser, startHarness, type Harness } from './harness.ts';
import { dragFromPalette, MOD } from './ui.ts';

const sample = (name: string) => readFileSync(path.join(REPO, `samples/${name}.wsflow.yaml`), 'utf8');
const ECHO_LOWCODE = sample('echo-lowcode');
/** The snippet echo with a type error in on-text: the backend's quick check before a run does not see it. */
const TYPE_ERROR = sample('echo').replace('conn.send(text);', 'const n: number = text;\n        conn.send(String(n));');

let browser: Browser;

beforeAll(async () => {
  await ensureRendererBuilt();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

/** Run on a free port, the way a person does: type 0 in the port field, click Run. */
async function clickRun(h: Harness): Promise<void> {
  const { page } = h;
  await page.locator('[data-testid="run-port"]').click();
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.type('0');
  await page.locator('[data-testid="run-start"]').click();
}

describe('Run gate and unwired nodes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ browser, files: { 'typed.wsflow.yaml': TYPE_ERROR, 'echo-lowcode.wsflow.yaml': ECHO_LOWCODE }, open: 'typed.wsflow.yaml' });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows a type error before running, and runs anyway when asked', async () => {
    const { page } = h;
    await page.locator('.react-flow__node[data-id="on-text"]').waitFor({ timeout: 20_000 });
    await clickRun(h);
    const gate = page.locator('[data-testid="dialog-run-gate"]');
    await gate.waitFor({ timeout: 60_000 });
    const rows = await gate.locator('[data-testid="run-gate-problem"]').allTextContents();
    expect(rows.some((r) => r.includes('WSF_SNIPPET_TYPE') && r.includes('on-text'))).toBe(true);
    await expect(page.locator('[data-testid="run-status"]').count()).resolves.toBe(0);
    await gate.locator('[data-testid="run-gate-run"]').click();
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    await expect(gate.count()).resolves.toBe(0);
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
  });

  it('leaves a freshly dropped, unwired node out of the live reload and of the next start', async () => {
    const { page } = h;
    await page.locator('[data-testid="menu-File"]').click();
    await page.locator('[data-testid="cmd-file.open"]').click();
    await page.locator('[data-testid="open-echo-lowcode.wsflow.yaml"]').click();
    await page.locator('.react-flow__node[data-id="reply-binary"]').waitFor({ timeout: 20_000 });
    await clickRun(h);
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });

    // A node dropped from the palette and not wired in yet: the rest reloads anyway.
    await dragFromPalette(page, 'broadcast', 300, 420);
    const note = page.locator('[data-testid="reload-note"]', { hasText: /^reloaded .*left out, not wired in: broadcast/ });
    await note.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="reload-note"]').textContent()).resolves.not.toContain('not reloaded');

    // Stop and start again: no gate, no refusal; the toast names what was left out.
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
    await clickRun(h);
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="toast-info"]', { hasText: /Left out of the run, not wired in: broadcast/ }).waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="dialog-run-gate"]').count()).resolves.toBe(0);
    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 30_000 });
  });
});
