/** Mouse and keyboard gestures on the designer, shared by the browser tests. */
import type { Page } from 'playwright-core';

/**
 * The part of the page's `document` these helpers read. The studio's CSP forbids string
 * evaluation, so browser-side code stays a self-contained function passed to `page.evaluate`.
 */
export interface BrowserDocument {
  activeElement: { closest(selector: string): unknown } | null;
  querySelector(selector: string): { innerText: string } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; className: string }>;
}
type BrowserGlobal = { document: BrowserDocument };

export const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';

/**
 * Replaces what a field holds as a person does: click it, select all, delete, type key by key.
 * Expression and template fields are one-line Monaco editors (a div): wait until one is drawn
 * before typing into it, and type at a slower pace there (each key runs the editor's completion).
 */
export async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  const field = page.locator(selector);
  const monaco = (await field.evaluate((el) => el.tagName)) === 'DIV';
  if (monaco) await field.locator('.view-line').first().waitFor({ timeout: 30_000 });
  await field.click();
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.press('Backspace');
  if (text) await page.keyboard.type(text, { delay: monaco ? 20 : 10 });
}

/** Drag a palette item onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  const pane = await page.locator('[data-testid="canvas"]').boundingBox();
  if (!pane) throw new Error('no canvas');
  await page.dragAndDrop(`[data-testid="palette-${type}"]`, '[data-testid="canvas"] .react-flow__pane', {
    targetPosition: { x, y },
  });
  void pane;
}

export function node(page: Page, id: string) {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

export async function selectNode(page: Page, id: string): Promise<void> {
  await node(page, id).locator('.card__head').click();
  await page.locator('[data-testid="node-id"]').and(page.locator(`[value="${id}"]`)).waitFor({ timeout: 5000 });
}

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`not visible: ${selector}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Press on one node's handle and release on another's, the way a person draws an edge. */
export async function dragEdge(page: Page, from: string, to: string, options: { hold?: (page: Page) => Promise<void> } = {}): Promise<void> {
  const a = await center(page, `.react-flow__node[data-id="${from}"] .react-flow__handle.source`);
  const b = await center(page, `.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  if (options.hold) await options.hold(page);
  await page.mouse.up();
}

/**
 * Replace the code in the snippet editor: select all with the keyboard, then paste with Ctrl+V
 * (typed newlines would get Monaco's auto-indent and auto-closing on top of the text).
 */
export async function typeSnippet(page: Page, code: string): Promise<void> {
  await clearSnippet(page);
  await page.evaluate((text) => (globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }).navigator.clipboard.writeText(text), code);
  await page.keyboard.press(`${MOD}+V`);
  // Wrapped lines come back from innerText split, so compare without whitespace.
  const line = (code.split('\n')[1] ?? '').replace(/\s+/g, '');
  await page.waitForFunction(
    (text) =>
      ((globalThis as unknown as BrowserGlobal).document.querySelector('[data-testid="snippet-editor"] .view-lines')?.innerText ?? '')
        .replace(/\s+/g, '')
        .includes(text),
    line,
    { timeout: 5000 },
  );
}

/**
 * Type over a word with the keyboard: Go to Line (Ctrl+G) `line:col`, select the word
 * (Ctrl+Shift+Right) and type `replacement` key by key.
 */
export async function retypeWord(page: Page, line: number, col: number, replacement: string): Promise<void> {
  await page.locator('[data-testid="snippet-editor"] .view-lines').click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 5000 });
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 5000 });
  await page.keyboard.press(`${MOD}+Shift+ArrowRight`);
  await page.keyboard.type(replacement, { delay: 15 });
}

/** Wait until Monaco has coloured the editor (tokenization runs in the background). */
export async function waitForHighlighting(page: Page, keyword = 'return'): Promise<void> {
  await page.waitForFunction(
    (word) =>
      Array.from((globalThis as unknown as BrowserGlobal).document.querySelectorAll('[data-testid="snippet-editor"] .view-line span span')).some(
        (span) => span.textContent === word && !/\bmtk1\b/.test(span.className),
      ),
    keyword,
    { timeout: 15_000 },
  );
}

export async function openTab(page: Page, tab: 'problems' | 'environment' | 'trace' | 'clients' | 'debug'): Promise<void> {
  const button = page.locator(`[data-testid="tab-${tab}"]`);
  if ((await button.getAttribute('aria-selected')) !== 'true') await button.click();
}

/** Run the flow on a free port the way a person does: type 0 in the top bar's port, F5, wait for "running". */
export async function runOnFreePort(page: Page): Promise<void> {
  await page.locator('[data-testid="run-port"]').click();
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.type('0');
  await page.keyboard.press('F5');
  await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
}

/** Connect a test client with path parameter values and a query string; returns its card. */
export async function connectClient(page: Page, params: Record<string, string>, query = ''): Promise<void> {
  await openTab(page, 'clients');
  for (const [name, value] of Object.entries(params)) await typeInto(page, `[data-testid="client-param-${name}"]`, value);
  await typeInto(page, '[data-testid="client-query"]', query);
  const cards = page.locator('.clients .client');
  const before = await cards.count();
  await page.click('[data-testid="client-connect"]');
  // The new client's card appears at once (connecting, then open or closed); when it does not,
  // say what the designer showed instead of failing later on a card that is not there.
  try {
    await page.waitForFunction((n) => document.querySelectorAll('.clients .client').length > n, before, { timeout: 15_000 });
  } catch {
    const toasts = await page.locator('.toast').allTextContents();
    const title = await page.locator('[data-testid="client-connect"]').getAttribute('title');
    throw new Error(`Connect added no test client card within 15 s (button: "${title ?? ''}"; toasts: ${toasts.join(' | ') || 'none'})`);
  }
}

/**
 * Type code into the snippet editor key by key, the way a person does with Monaco's defaults on:
 * Enter auto-indents, so each line is typed without its leading spaces; `{` gets its `}` on its
 * own line, so a line that starts with that `}` is reached with ArrowDown and End instead of being
 * typed again, and only the rest of it (` else {`) is typed. Brackets and quotes typed over their
 * auto-inserted closers are overtyped. Escape closes the suggestion and parameter-hint widgets
 * before every line break, so Enter and ArrowDown never pick a suggestion.
 */
export async function typeCodeByKeys(page: Page, code: string): Promise<void> {
  const lines = code.replace(/\n$/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimStart();
    const text = line.startsWith('}') && i > 0 ? line.slice(1) : line;
    await page.keyboard.type(text, { delay: 8 });
    await page.keyboard.press('Escape');
    const next = (lines[i + 1] ?? '').trimStart();
    if (i === lines.length - 1) await page.keyboard.press('Enter');
    else if (next.startsWith('}')) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
    } else await page.keyboard.press('Enter');
  }
}

/** Focus the snippet editor and select and delete everything in it with the keyboard. */
export async function clearSnippet(page: Page): Promise<void> {
  const editor = page.locator('[data-testid="snippet-editor"] .monaco-editor');
  await editor.locator('.view-line').first().waitFor({ timeout: 30_000 });
  await editor.locator('.view-lines').click();
  await page.waitForFunction(() => !!(globalThis as unknown as BrowserGlobal).document.activeElement?.closest('.monaco-editor'), undefined, { timeout: 5000 });
  await page.keyboard.press(`${MOD}+A`);
  await page.keyboard.press('Delete');
}

/** Drag a splitter bar (`splitter-inspector`, `splitter-dock`) by (dx, dy) px with the mouse. */
export async function dragSplitter(page: Page, testId: string, dx: number, dy: number): Promise<void> {
  const bar = await page.locator(`[data-testid="${testId}"]`).boundingBox();
  if (!bar) throw new Error(`not visible: ${testId}`);
  // Grab the bar near its start, away from anything drawn over its middle.
  const x = bar.x + Math.min(bar.width / 2, 200);
  const y = bar.y + Math.min(bar.height / 2, 200);
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 5 });
  await page.mouse.up();
}

/**
 * Run `action` (a fit view, an auto layout) and wait until the canvas has finished the view fit it
 * starts, animation included: each fit ends with a `wsflow:fit-view` performance mark.
 */
export async function andFitView(page: Page, action: () => Promise<void>): Promise<void> {
  const marks = () => performance.getEntriesByName('wsflow:fit-view').length;
  const before = await page.evaluate(marks);
  await action();
  await page.waitForFunction((seen) => performance.getEntriesByName('wsflow:fit-view').length > seen, before, { timeout: 30_000 });
}

/**
 * Wait until the page is drawn in `theme`: React Flow and every Monaco editor on the page carry the
 * theme's class, and the colour transitions the switch started (cards fade their borders) are over.
 */
export async function waitForTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.waitForFunction(
    (dark) => {
      const flowDark = document.querySelector('.react-flow.dark') !== null;
      const editors = document.querySelectorAll('.monaco-editor').length;
      const editorsDark = document.querySelectorAll('.monaco-editor.vs-dark').length;
      const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition).length;
      return flowDark === dark && editorsDark === (dark ? editors : 0) && transitions === 0;
    },
    theme === 'dark',
    { timeout: 15_000 },
  );
}
