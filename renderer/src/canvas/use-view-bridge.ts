/**
 * What the rest of the app asks of the canvas's view (app-context's `view`): the middle of what
 * the user sees (paste and quick-add put nodes there) and the visible rectangle minus the
 * minimap's corner (drops keep new nodes in view). Also tracks the pane's size, which decides
 * whether the minimap fits.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useView } from '../app-context.tsx';
import { MINIMAP } from './fit-view.tsx';

/** Returns whether the pane is large enough for a minimap that would not cover nodes. */
export function useViewBridge(host: RefObject<HTMLDivElement | null>): boolean {
  const rf = useReactFlow();
  const view = useView();
  const [paneSize, setPaneSize] = useState({ width: 800, height: 500 });
  const showMinimap = paneSize.width >= 520 && paneSize.height >= 320;
  const minimapShown = useRef(showMinimap);
  minimapShown.current = showMinimap;

  useEffect(() => {
    view.center = () => {
      const box = host.current?.getBoundingClientRect();
      const at = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
      const flowAt = rf.screenToFlowPosition(at);
      return { x: flowAt.x - 110, y: flowAt.y - 40 };
    };
    view.visible = () => {
      const box = host.current?.getBoundingClientRect();
      if (!box || box.width === 0) return undefined;
      const rect = (left: number, top: number, right: number, bottom: number) => {
        const a = rf.screenToFlowPosition({ x: left, y: top });
        const b = rf.screenToFlowPosition({ x: right, y: bottom });
        return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
      };
      const visible = rect(box.left, box.top, box.right, box.bottom);
      if (!minimapShown.current) return { visible };
      const m = MINIMAP;
      return { visible, minimap: rect(box.right - m.width - 2 * m.margin, box.bottom - m.height - 2 * m.margin, box.right, box.bottom) };
    };
  }, [rf, view, host]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setPaneSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [host]);
  return showMinimap;
}
