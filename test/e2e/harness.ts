/**
 * Browser test harness: a real studio backend on a free port over a temp folder, and Debian's
 * Chromium driven by playwright-core. Records every request the page makes and every console
 * error, so tests can assert on both.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStudio, type StudioHandle } from '../../runtime/studio/server.ts';
import { ensureRendererBuilt, REPO } from '../../runtime/studio/renderer-build.ts';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * Where `shot()` writes: docs/screenshots/ (tracked, shown in the README and docs) only when
 * `npm run screenshots` asks for it; otherwise a temp folder, so `npm test` changes nothing git
 * tracks. The test still gets a real PNG to look at either way.
 */
export const SCREENSHOTS = process.env.WSFLOW_SCREENSHOTS === '1' ? path.join(REPO, 'docs/screenshots') : path.join(os.tmpdir(), 'wsflow-screenshots');

export interface Harness {
  dir: string;
  studio: StudioHandle;
  browser: Browser;
  page: Page;
  requests: string[];
  consoleErrors: string[];
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/**
 * `wsflow studio` as a child process (the CLI command end to end), for tests that time the UI:
 * a backend in the test process would share its event loop with the browser driver.
 */
async function startStudioProcess(file: string): Promise<StudioHandle> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/wsflow.mjs'), 'studio', '--port', '0', '--no-open', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`wsflow studio printed no URL in 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`wsflow studio exited with ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
      if (code === 'timeout') child.kill('SIGKILL');
      else if (code !== 0) throw new Error(`wsflow studio exited with ${code}: ${stderr}`);
    },
  };
}

export interface HarnessOptions {
  files?: Record<string, string>;
  open?: string;
  theme?: 'light' | 'dark';
  browser?: Browser;
  cli?: boolean;
  viewport?: { width: number; height: number };
  bypassCSP?: boolean;
}

/**
 * The one harness of a test file: before its tests the renderer is built and the studio and the
 * browser started, after them all is closed. Call it at the top of the file; the value it returns
 * stands for the started harness (each property is read from it when used, so `const { page } = h`
 * inside a test works, and using it before the tests run says so instead of reading undefined).
 */
export function useHarness(options: HarnessOptions | (() => HarnessOptions) = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    await ensureRendererBuilt();
    started = await startHarness(typeof options === 'function' ? options() : options);
  }, 300_000);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!started) throw new Error(`the harness is used (.${String(key)}) before its beforeAll started it`);
      return Reflect.get(started, key) as unknown;
    },
  });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsflow-e2e-'));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  const log: string[] = [];
  const studio = options.cli
    ? await startStudioProcess(path.join(dir, options.open ?? '.'))
    : await startStudio({
        port: 0,
        ...(options.open ? { file: path.join(dir, options.open) } : { root: dir }),
        log: (line) => log.push(line),
      });
  const ownBrowser = !options.browser;
  const browser = options.browser ?? (await launchBrowser());
  // bypassCSP: only for injecting axe-core (an inline script the studio's CSP rightly refuses).
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.theme ?? 'light',
    deviceScaleFactor: 1,
    permissions: ['clipboard-read', 'clipboard-write'],
    ...(options.bypassCSP ? { bypassCSP: true } : {}),
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(studio.url);
  await page.waitForSelector('[data-testid="statusbar"] .status-dot--ok', { timeout: 20_000 });
  return {
    dir,
    studio,
    browser,
    page,
    requests,
    consoleErrors,
    /** Saves a PNG of the page (see SCREENSHOTS for where) and returns its path. */
    async shot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const file = path.join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      if (ownBrowser) await browser.close().catch(() => undefined);
      await studio.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
