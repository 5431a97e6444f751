/**
 * Window size and position, remembered across launches in `userData/window-state.json`.
 * Loading validates the file and clamps the bounds to the displays that exist now, so a window
 * saved on an unplugged monitor comes back visible.
 */
import type { Rectangle } from 'electron';
import { readJsonFile, writeFileAtomic, writeFileAtomicSync } from './atomic-file.ts';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of the title bar must be on a display for saved bounds to be kept as they are. */
const MIN_VISIBLE = 64;
const MAX_COORDINATE = 100_000;

function isFiniteInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_COORDINATE;
}

/** The state in `value` if it is well formed (from an older or hand-edited file), else undefined. */
export function parseWindowState(value: unknown): WindowState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const bounds = record['bounds'];
  if (typeof bounds !== 'object' || bounds === null) return undefined;
  const b = bounds as Record<string, unknown>;
  const { x, y, width, height } = b;
  if (!isFiniteInt(x) || !isFiniteInt(y) || !isFiniteInt(width) || !isFiniteInt(height)) return undefined;
  if (width <= 0 || height <= 0) return undefined;
  return {
    bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) },
    maximized: record['maximized'] === true,
  };
}

function intersection(a: Rectangle, b: Rectangle): Rectangle | undefined {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  if (right <= x || bottom <= y) return undefined;
  return { x, y, width: right - x, height: bottom - y };
}

function centered(size: { width: number; height: number }, area: Rectangle): Rectangle {
  const width = Math.min(size.width, area.width);
  const height = Math.min(size.height, area.height);
  return {
    x: area.x + Math.floor((area.width - width) / 2),
    y: area.y + Math.floor((area.height - height) / 2),
    width,
    height,
  };
}

/**
 * Bounds that are visible on one of `workAreas` (the first is the primary display). Saved bounds
 * whose title bar strip shows at least MIN_VISIBLE px on some display are kept, shrunk to fit that
 * display; otherwise the window is centered on the primary display at its saved size.
 * With no saved state, the default size centered on the primary display.
 */
export function clampToDisplays(state: WindowState | undefined, workAreas: readonly Rectangle[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height };
  if (!state) return { bounds: centered(DEFAULT_SIZE, primary), maximized: false };
  const size = {
    width: Math.max(state.bounds.width, MIN_SIZE.width),
    height: Math.max(state.bounds.height, MIN_SIZE.height),
  };
  const titleBar: Rectangle = { x: state.bounds.x, y: state.bounds.y, width: size.width, height: 32 };
  for (const area of workAreas) {
    const visible = intersection(titleBar, area);
    if (!visible || visible.width < Math.min(MIN_VISIBLE, size.width)) continue;
    const width = Math.min(size.width, area.width);
    const height = Math.min(size.height, area.height);
    const x = Math.min(Math.max(state.bounds.x, area.x), area.x + area.width - width);
    const y = Math.min(Math.max(state.bounds.y, area.y), area.y + area.height - height);
    return { bounds: { x, y, width, height }, maximized: state.maximized };
  }
  return { bounds: centered(size, primary), maximized: state.maximized };
}

export async function loadWindowState(file: string, workAreas: readonly Rectangle[]): Promise<WindowState> {
  return clampToDisplays(parseWindowState(await readJsonFile(file)), workAreas);
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** Used when the window closes: the app may exit right after, before an async write lands. */
export function saveWindowStateSync(file: string, state: WindowState): void {
  writeFileAtomicSync(file, `${JSON.stringify(state, null, 2)}\n`);
}
