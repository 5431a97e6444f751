import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, clampToDisplays, loadWindowState, parseWindowState, saveWindowState, saveWindowStateSync } from '../../electron/window-state.ts';

const primary = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 1280, height: 984 };

describe('window state', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wsflow-winstate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validates stored state and rejects malformed files', () => {
    expect(parseWindowState({ bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true })).toEqual({
      bounds: { x: 10, y: 20, width: 900, height: 700 },
      maximized: true,
    });
    expect(parseWindowState({ bounds: { x: 1.6, y: 2, width: 900.4, height: 700 } })?.bounds).toEqual({ x: 2, y: 2, width: 900, height: 700 });
    for (const bad of [undefined, null, 42, 'x', {}, { bounds: null }, { bounds: { x: 0, y: 0, width: 0, height: 10 } },
      { bounds: { x: 0, y: 0, width: 'wide', height: 10 } }, { bounds: { x: Number.NaN, y: 0, width: 10, height: 10 } },
      { bounds: { x: 1e9, y: 0, width: 10, height: 10 } }]) {
      expect(parseWindowState(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('centers the default size on the primary display when nothing is stored', () => {
    expect(clampToDisplays(undefined, [primary, right])).toEqual({
      bounds: { x: (1920 - DEFAULT_SIZE.width) / 2, y: (1040 - DEFAULT_SIZE.height) / 2, ...DEFAULT_SIZE },
      maximized: false,
    });
  });

  it('keeps bounds that are visible, on the secondary display too', () => {
    const onRight = { bounds: { x: 2000, y: 50, width: 1000, height: 800 }, maximized: false };
    expect(clampToDisplays(onRight, [primary, right])).toEqual(onRight);
  });

  it('moves a window saved on a display that is gone back onto the primary display', () => {
    const lost = { bounds: { x: 2000, y: 50, width: 1000, height: 800 }, maximized: true };
    expect(clampToDisplays(lost, [primary])).toEqual({
      bounds: { x: 460, y: 120, width: 1000, height: 800 },
      maximized: true,
    });
  });

  it('pulls a half-offscreen window inside the display it mostly shows on and shrinks it to fit', () => {
    const hanging = { bounds: { x: 1700, y: -5, width: 2500, height: 1400 }, maximized: false };
    const result = clampToDisplays(hanging, [primary, right]);
    expect(result.bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    const tiny = clampToDisplays({ bounds: { x: 10, y: 10, width: 50, height: 40 }, maximized: false }, [primary]);
    expect(tiny.bounds.width).toBe(MIN_SIZE.width);
    expect(tiny.bounds.height).toBe(MIN_SIZE.height);
  });

  it('saves atomically and loads what it saved, clamped to the displays of now', async () => {
    const file = join(dir, 'sub', 'window-state.json');
    const state = { bounds: { x: 100, y: 80, width: 1000, height: 700 }, maximized: false };
    await saveWindowState(file, state);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state);
    expect(await readdir(join(dir, 'sub'))).toEqual(['window-state.json']);
    expect(await loadWindowState(file, [primary])).toEqual(state);
    await writeFile(file, '{ not json');
    expect(await loadWindowState(file, [primary])).toEqual(clampToDisplays(undefined, [primary]));
    expect(await loadWindowState(join(dir, 'missing.json'), [primary])).toEqual(clampToDisplays(undefined, [primary]));
  });

  it('saves synchronously on close, replacing the previous state', async () => {
    const file = join(dir, 'deep', 'window-state.json');
    saveWindowStateSync(file, { bounds: { x: 1, y: 2, width: 900, height: 600 }, maximized: false });
    saveWindowStateSync(file, { bounds: { x: 3, y: 4, width: 901, height: 601 }, maximized: true });
    expect(parseWindowState(JSON.parse(await readFile(file, 'utf8')))).toEqual({ bounds: { x: 3, y: 4, width: 901, height: 601 }, maximized: true });
    expect(await readdir(join(dir, 'deep'))).toEqual(['window-state.json']);
  });

  it('never leaves a half-written file: concurrent saves end with one complete state', async () => {
    const file = join(dir, 'window-state.json');
    const states = Array.from({ length: 20 }, (_, i) => ({ bounds: { x: i, y: i, width: 900 + i, height: 700 }, maximized: i % 2 === 0 }));
    await Promise.all(states.map((s) => saveWindowState(file, s)));
    const stored = parseWindowState(JSON.parse(await readFile(file, 'utf8')));
    expect(states).toContainEqual(stored);
    expect(await readdir(dir)).toEqual(['window-state.json']);
  });
});
