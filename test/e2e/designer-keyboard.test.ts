/**
 * The keyboard reaches what has focus: a whole handler typed key by key into Monaco (spaces,
 * newlines, braces, quotes) is saved byte for byte; Backspace, Delete, arrows and Ctrl+A/Z/C/V
 * edit the snippet, not the canvas; a space typed in an inspector field stays; and the canvas
 * shortcuts (Delete, Ctrl+Z, Space+wheel to pan) still work on the canvas.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import { waitFor } from '../helpers/wait.ts';
import { useHarness } from './harness.ts';
import { clearSnippet, MOD, node, selectNode, typeCodeByKeys } from './ui.ts';

const ECHO = readFileSync(new URL('../../samples/echo.wsflow.yaml', import.meta.url), 'utf8');

const HANDLER = `export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
  const price = 42;
  if (text === 'price') {
    conn.send(\`price: \${price}\`);
  } else {
    ctx.broadcast(\`\${conn.params.name ?? 'someone'} says \${text}\`);
  }
}
`;

const h = useHarness({ files: { 'echo.wsflow.yaml': ECHO }, open: 'echo.wsflow.yaml' });

const file = () => path.join(h.dir, 'echo.wsflow.yaml');
const savedCode = (id: string) => parseFlow(readFileSync(file(), 'utf8'), file()).flow?.nodes.find((n) => n.id === id)?.code;
// Monaco renders spaces as no-break spaces.
const editorText = async () => (await h.page.locator('[data-testid="snippet-editor"] .view-lines').innerText()).replace(/\u00a0/g, ' ');

/** Until the editor's text passes `test`: Monaco paints a frame later, and a paste reads the clipboard first. */
async function untilEditor(what: string, test: (text: string) => boolean): Promise<void> {
  let last = '';
  try {
    await waitFor(what, async () => test((last = await editorText())));
  } catch (error) {
    throw new Error(`${(error as Error).message}; the editor shows ${JSON.stringify(last)}`);
  }
}

async function save(): Promise<void> {
  await h.page.locator('[data-testid="dirty-marker"]').waitFor();
  await h.page.keyboard.press(`${MOD}+S`);
  await h.page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
}

describe('keyboard in the designer', () => {
  it('types a whole handler into Monaco key by key and saves it byte for byte', async () => {
    const { page } = h;
    await selectNode(page, 'on-text');
    await clearSnippet(page);
    await typeCodeByKeys(page, HANDLER);
    await save();
    expect(savedCode('on-text')).toBe(HANDLER);
    expect(readFileSync(file(), 'utf8')).toContain("        const price = 42;\n        if (text === 'price') {\n");
  });

  it('edits in Monaco with Backspace, Delete, arrows and Ctrl+A/Z/C/V, leaving the canvas alone', async () => {
    const { page } = h;
    const nodes = await page.locator('.react-flow__node').count();
    await clearSnippet(page);
    await page.keyboard.type('const a = 1;', { delay: 8 });
    // Backspace twice ("1;" gone), type "22;", Home, Delete ("c" gone), type "C".
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('22;');
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await page.keyboard.type('C');
    // ArrowRight x4 past "onst", then type "X".
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.type('X');
    await untilEditor('the edited line', (text) => /^ConstX a = 22;\s*$/.test(text));
    // Select all and copy, then paste twice at the end: the system clipboard round trip.
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.press(`${MOD}+C`);
    await page.keyboard.press(`${MOD}+End`);
    await page.keyboard.press('Enter');
    await page.keyboard.press(`${MOD}+V`);
    await untilEditor('the pasted copy', (text) => /^ConstX a = 22;\s+ConstX a = 22;\s*$/.test(text));
    // Undo the paste: back to one line plus the new empty one.
    await page.keyboard.press(`${MOD}+Z`);
    await untilEditor('the paste undone', (text) => /^ConstX a = 22;\s*$/.test(text));
    // None of these keys touched the canvas: same nodes, the handler still selected.
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(nodes);
    await expect(page.locator('[data-testid="node-id"]').inputValue()).resolves.toBe('on-text');
  });

  it('keeps spaces typed in an inspector field', async () => {
    const { page } = h;
    const label = page.locator('[data-testid="node-label"]');
    await label.click();
    await page.keyboard.type('Echo the text back', { delay: 8 });
    await expect(label.inputValue()).resolves.toBe('Echo the text back');
    await page.keyboard.press('Backspace');
    await expect(label.inputValue()).resolves.toBe('Echo the text bac');
    await expect(node(page, 'on-text').textContent()).resolves.toContain('Echo the text bac');
  });

  it('still runs the canvas shortcuts on the canvas: Delete, Ctrl+Z, Space+wheel pans', async () => {
    const { page } = h;
    await node(page, 'on-binary').locator('.card__head').click();
    await page.keyboard.press('Delete');
    await node(page, 'on-binary').waitFor({ state: 'detached' });
    await page.keyboard.press(`${MOD}+Z`);
    await node(page, 'on-binary').waitFor();

    // Space held turns the mouse wheel into a pan (without it the wheel zooms).
    const viewport = page.locator('.react-flow__viewport');
    const transform = async () => {
      const style = (await viewport.getAttribute('style')) ?? '';
      const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([-\d.]+)\)/.exec(style);
      if (!m) throw new Error(`no transform in ${style}`);
      return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
    };
    const before = await transform();
    const pane = await page.locator('.react-flow__pane').boundingBox();
    if (!pane) throw new Error('no pane');
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height - 30);
    await page.keyboard.down('Space');
    await page.mouse.wheel(0, 120);
    await page.keyboard.up('Space');
    await expect.poll(async () => (await transform()).y, { timeout: 5000 }).not.toBe(before.y);
    expect((await transform()).zoom).toBe(before.zoom);
    expect(h.consoleErrors).toEqual([]);
  });
});
