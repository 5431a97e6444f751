/**
 * The renderer bundle under the desktop shell's Content-Security-Policy: Debian's Chromium loads
 * the real studio with every app response passed through `withContentSecurityPolicy` (exactly what
 * main.ts does in session.webRequest), opens a snippet in Monaco (workers, inline styles, fonts)
 * and the WebSocket API, and must record no CSP violation.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type StudioHandle } from '../../runtime/studio/server.ts';
import { CONTENT_SECURITY_POLICY, originOf, withContentSecurityPolicy } from '../../electron/policy.ts';
import { ensureRendererBuilt, REPO } from '../../runtime/studio/renderer-build.ts';
import { CHROMIUM } from '../e2e/harness.ts';
import { selectNode } from '../e2e/ui.ts';
import { waitFor } from '../helpers/wait.ts';

describe('renderer under the desktop CSP', () => {
  let dir: string;
  let studio: StudioHandle;
  let browser: Browser;

  beforeAll(async () => {
    await ensureRendererBuilt();
    dir = mkdtempSync(join(tmpdir(), 'wsflow-csp-'));
    copyFileSync(join(REPO, 'samples', 'chat.wsflow.yaml'), join(dir, 'chat.wsflow.yaml'));
    studio = await startStudio({ port: 0, file: join(dir, 'chat.wsflow.yaml') });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // A document fulfilled by page.route has no IP address, so Chromium's Local Network Access
      // check would block its WebSocket to 127.0.0.1; the real app loads straight from loopback.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--disable-features=LocalNetworkAccessChecks'],
    });
    // A cold renderer build on the slow CI machine takes minutes.
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the designer and Monaco with no CSP violation', async () => {
    const origin = originOf(studio.url) ?? '';
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const patched: string[] = [];
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(response.headers())) headers[name] = [value];
      const desktop = withContentSecurityPolicy(route.request().url(), headers, origin);
      if (desktop['Content-Security-Policy']) patched.push(route.request().url());
      const flat: Record<string, string> = {};
      for (const [name, value] of Object.entries(desktop)) flat[name] = value.join(', ');
      await route.fulfill({ response, headers: flat });
    });
    // Page-side code as strings: this file is typechecked without the DOM library.
    await page.addInitScript({
      content: `window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`,
    });
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
    const workers: Worker[] = [];
    page.on('worker', (worker) => workers.push(worker));

    await page.goto(studio.url);
    await page.waitForSelector('[data-testid="statusbar"] .status-dot--ok', { timeout: 30_000 });
    await selectNode(page, 'on-text');
    await page.locator('[data-testid="snippet-editor"] .monaco-editor .view-lines').waitFor({ timeout: 30_000 });
    // Monaco's TypeScript worker is what needs worker-src: wait until it runs (the CSP would stop
    // `new Worker` before any worker event), then check that nothing was refused on the way.
    const tsWorker = await waitFor("Monaco's TypeScript worker", () => workers.find((w) => /ts\.worker/.test(w.url())), 60_000, 50);
    await expect(tsWorker.evaluate(() => typeof (globalThis as { postMessage?: unknown }).postMessage)).resolves.toBe('function');
    await page.screenshot({ path: join(tmpdir(), 'wsflow-desktop-csp.png') });

    const violations = (await page.evaluate('window.__cspViolations')) as string[];
    expect(patched.length).toBeGreaterThan(0);
    expect(patched.every((url) => url.startsWith(origin))).toBe(true);
    const policy = await page.evaluate("fetch(location.href).then((r) => r.headers.get('content-security-policy'))");
    expect(policy).toBe(CONTENT_SECURITY_POLICY);
    expect(violations).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await context.close();
  }, 180_000);
});
