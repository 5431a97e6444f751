/**
 * The node palette: drag an item onto the canvas, or click it / press Enter to place it in the
 * middle of the view (the keyboard path).
 */
import type { DragEvent } from 'react';
import type { NodeType } from '../../../runtime/model/types.ts';
import { useView } from '../app-context.tsx';
import { PALETTE_ITEMS, type PaletteItem } from '../lowcode/palette-items.ts';
import { useStudio } from '../store.ts';
import { PALETTE_MIME } from './Canvas.tsx';
import { placeNode } from './place.ts';

export { PALETTE_ITEMS, type PaletteItem };

export function Palette() {
  const view = useView();
  // The middle of the view, or the nearest free spot to it.
  const placeAtCenter = (type: NodeType) => placeNode(useStudio, type, view.center(), view.visible());

  const onDragStart = (event: DragEvent, type: NodeType) => {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  let group = '';
  return (
    <nav className="palette" aria-label="Node palette">
      {PALETTE_ITEMS.map((item) => {
        const header = item.group !== group ? <div className="palette__group">{(group = item.group)}</div> : null;
        return (
          <div key={item.type}>
            {header}
            <button
              type="button"
              className={`palette__item palette__item--${item.category}`}
              draggable
              data-testid={`palette-${item.type}`}
              title={`${item.hint}. Drag onto the canvas, or click to add.`}
              onDragStart={(e) => onDragStart(e, item.type)}
              onClick={() => placeAtCenter(item.type)}
            >
              <span className="palette__icon" aria-hidden>{item.icon}</span>
              <span>{item.label}</span>
            </button>
          </div>
        );
      })}
    </nav>
  );
}
