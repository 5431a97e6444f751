/**
 * A draggable divider between two panels (a WAI-ARIA window splitter): drag it with the mouse, or
 * focus it and use the arrow keys (Home/End for the limits, Enter to collapse or restore).
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export interface SplitterProps {
  /** `vertical`: a vertical bar that resizes widths; `horizontal`: a bar that resizes heights. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  /** The size of the panel it resizes, in px. */
  value: number;
  min: number;
  max: number;
  /** +1 when dragging right/down grows the panel, -1 when it shrinks it. */
  direction: 1 | -1;
  onChange: (size: number) => void;
  onToggle: () => void;
  testId: string;
}

const STEP = 16;

export function Splitter({ orientation, label, value, min, max, direction, onChange, onToggle, testId }: SplitterProps) {
  const start = useRef<{ pos: number; size: number } | undefined>(undefined);
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  const coord = (e: PointerEvent) => (orientation === 'vertical' ? e.clientX : e.clientY);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { pos: coord(e), size: value };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    onChange(clamp(start.current.size + direction * (coord(e) - start.current.pos)));
  };
  const onPointerUp = () => {
    start.current = undefined;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const grow = orientation === 'vertical' ? (direction === 1 ? 'ArrowRight' : 'ArrowLeft') : direction === 1 ? 'ArrowDown' : 'ArrowUp';
    const shrink = orientation === 'vertical' ? (direction === 1 ? 'ArrowLeft' : 'ArrowRight') : direction === 1 ? 'ArrowUp' : 'ArrowDown';
    if (e.key === grow) onChange(clamp(value + STEP));
    else if (e.key === shrink) onChange(clamp(value - STEP));
    else if (e.key === 'Home') onChange(min);
    else if (e.key === 'End') onChange(max);
    else if (e.key === 'Enter') onToggle();
    else return;
    e.preventDefault();
  };
  return (
    <div
      className={`splitter splitter--${orientation}`}
      role="separator"
      aria-orientation={orientation}
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={onToggle}
      onKeyDown={onKeyDown}
    />
  );
}
