/**
 * The Environment view with the ws-proxy sample and no BACKEND_URL: the Problems warning, the
 * variable listed as unset with where it is used, Run refusing it by name, node and field, a value
 * set for the session with the keyboard (a real `ws` backend on a free port), then a run whose
 * built-in test client sees its message come back through that backend. Takes
 * docs/screenshots/designer-environment.png (with WSFLOW_SCREENSHOTS=1) and checks that view with axe-core.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, REPO } from '../../runtime/studio/renderer-build.ts';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { axeViolations } from './axe.ts';
import { startHarness, type Harness } from './harness.ts';
import { MOD, openTab } from './ui.ts';

const PROXY = readFileSync(path.join(REPO, 'samples/ws-proxy.wsflow.yaml'), 'utf8');

let h: Harness;
let backend: TestBackend;

beforeAll(async () => {
  // The studio runs in this test process: it must not find BACKEND_URL in the environment.
  delete process.env.BACKEND_URL;
  await ensureRendererBuilt();
  backend = await startBackend();
  // bypassCSP only lets the test inject axe-core for the accessibility check.
  h = await startHarness({ files: { 'ws-proxy.wsflow.yaml': PROXY }, open: 'ws-proxy.wsflow.yaml', bypassCSP: true });
}, 300_000);

afterAll(async () => {
  await h?.close();
  await backend?.stop();
});

describe('the Environment view', () => {
  it('lists BACKEND_URL as unset, sets it for the session, and the run reaches the backend', async () => {
    const { page } = h;
    await page.locator('.react-flow__node[data-id="backend"]').waitFor({ timeout: 20_000 });

    // Problems: the same warning `wsflow validate` prints.
    await openTab(page, 'problems');
    const warning = page.locator('[data-testid="problems"] .problem--warning', { hasText: 'BACKEND_URL' });
    await warning.waitFor({ timeout: 60_000 });
    await expect(warning.textContent()).resolves.toContain('WSF_ENV_UNSET');

    // The Environment view: the variable, where it is used, unset.
    await openTab(page, 'environment');
    const row = page.locator('[data-testid="env-row-BACKEND_URL"]');
    await row.waitFor();
    await page.locator('[data-testid="env-status-BACKEND_URL"]', { hasText: 'unset' }).waitFor({ timeout: 10_000 });
    await expect(row.locator('[data-testid="env-use-BACKEND_URL-backend"]').textContent()).resolves.toBe('backend · url');
    await expect(page.locator('[data-testid="tab-environment"] .count').textContent()).resolves.toBe('1');

    // Run now is refused before any client connects, naming the variable, node and field.
    await page.locator('[data-testid="run-port"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('0');
    await page.locator('[data-testid="run-start"]').click();
    const refusal = page.locator('[data-testid="toast-error"]', { hasText: 'BACKEND_URL is not set (node backend, field url)' });
    await refusal.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="tab-environment"]').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.locator('[data-testid="run-status"]').count()).resolves.toBe(0);
    await page.mouse.move(0, 0);
    await h.shot('designer-environment');
    expect(await axeViolations(page)).toEqual([]);

    // Set it for this session, typed key by key into the (masked) field.
    await page.locator('[data-testid="env-value-BACKEND_URL"]').click();
    await page.keyboard.type(backend.url);
    await expect(page.locator('[data-testid="env-value-BACKEND_URL"]').getAttribute('type')).resolves.toBe('password');
    await page.locator('[data-testid="env-set-BACKEND_URL"]').click();
    await page.locator('[data-testid="env-status-BACKEND_URL"]', { hasText: 'set (this session)' }).waitFor({ timeout: 10_000 });
    await expect(page.locator('[data-testid="env-value-BACKEND_URL"]').inputValue()).resolves.toBe('');
    await expect(page.locator('[data-testid="env-panel"]').textContent()).resolves.not.toContain(backend.url);

    // The warning is gone from Problems.
    await openTab(page, 'problems');
    await page.locator('[data-testid="problems-empty"]', { hasText: 'No problems' }).waitFor({ timeout: 60_000 });

    // Run, connect the built-in test client, and see a message come back through the backend.
    await page.locator('[data-testid="run-start"]').click();
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    await openTab(page, 'clients');
    await page.locator('[data-testid="client-connect"]').click();
    const reached = await backend.nextConnection(10_000);
    const card = page.locator('[data-testid="client-c1"]');
    await card.locator('[data-testid="client-message"]').click();
    await page.keyboard.type('hello through the backend');
    await page.keyboard.press('Enter');
    await card.locator('[data-testid="client-timeline"] .tl--received', { hasText: 'hello through the backend' }).waitFor({ timeout: 10_000 });
    expect(reached.received.map((f) => f.data.toString())).toEqual(['hello through the backend']);

    await page.locator('[data-testid="run-stop"]').click();
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 10_000 });
    // The value stayed in the studio's memory: the flow file never saw it.
    expect(readFileSync(path.join(h.dir, 'ws-proxy.wsflow.yaml'), 'utf8')).toBe(PROXY);
    expect(h.consoleErrors).toEqual([]);
  });
});
