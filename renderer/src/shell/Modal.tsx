/** A modal dialog that keeps focus until it closes (Escape or the backdrop closes it). */
import { useEffect, useRef, type ReactNode } from 'react';

export function Modal({ title, children, onClose, testId }: { title: string; children: ReactNode; onClose: () => void; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'Tab' && box.current) trapTab(e, box.current);
    };
    window.addEventListener('keydown', esc);
    box.current?.querySelector<HTMLElement>('input, select, button.btn--primary')?.focus();
    return () => {
      window.removeEventListener('keydown', esc);
      // Focus goes back where it was when the dialog opened.
      before?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal nokey" role="dialog" aria-modal="true" aria-label={title} ref={box} data-testid={testId}>
        <header className="modal__head">
          <h2>{title}</h2>
          <button className="btn btn--ghost btn--small" onClick={onClose} aria-label="Close">✕</button>
        </header>
        {children}
      </div>
    </div>
  );
}

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** Keep Tab and Shift+Tab inside `box` (a modal dialog keeps focus until it closes). */
export function trapTab(event: KeyboardEvent, box: HTMLElement): void {
  const items = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  const inside = active instanceof HTMLElement && box.contains(active);
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}
