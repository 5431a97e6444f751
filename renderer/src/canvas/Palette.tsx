/**
 * The node palette: drag an item onto the canvas, or click it / press Enter to place it in the
 * middle of the view (the keyboard path).
 */
import type { DragEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { isActionType, type NodeType } from '../../../runtime/model/types.ts';
import { ACTION_PALETTE } from '../lowcode/palette-items.ts';
import { PALETTE_MIME, placeNode } from './Canvas.tsx';

const ITEMS: { type: NodeType; label: string; hint: string; group: string; icon: string }[] = [
  { type: 'upgrader', label: 'Upgrader', hint: 'Accepts the HTTP upgrade on a path with {params} and query', group: 'Entry', icon: '⇡' },
  { type: 'service', label: 'Service', hint: 'A WebSocket service: its connections, broadcast and state', group: 'Entry', icon: '◈' },
  { type: 'onOpen', label: 'onOpen', hint: 'Runs when a connection opens', group: 'Handlers', icon: 'ƒ' },
  { type: 'onText', label: 'onText', hint: 'Runs for every text message', group: 'Handlers', icon: 'ƒ' },
  { type: 'onBinary', label: 'onBinary', hint: 'Runs for every binary message', group: 'Handlers', icon: 'ƒ' },
  { type: 'onClose', label: 'onClose', hint: 'Runs when a connection closes (code, reason)', group: 'Handlers', icon: 'ƒ' },
  { type: 'onError', label: 'onError', hint: 'Runs on a socket error or a failing handler', group: 'Handlers', icon: 'ƒ' },
  ...ACTION_PALETTE,
];

let placed = 0;

export function Palette() {
  const rf = useReactFlow();

  const placeAtCenter = (type: NodeType) => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    const center = pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: 400, y: 300 };
    const at = rf.screenToFlowPosition(center);
    // Consecutive placements step aside so they do not stack exactly.
    const step = (placed++ % 6) * 24;
    placeNode(type, { x: at.x - 110 + step, y: at.y - 40 + step });
  };

  const onDragStart = (event: DragEvent, type: NodeType) => {
    event.dataTransfer.setData(PALETTE_MIME, type);
    event.dataTransfer.effectAllowed = 'copy';
  };

  let group = '';
  return (
    <nav className="palette" aria-label="Node palette">
      {ITEMS.map((item) => {
        const header = item.group !== group ? <div className="palette__group">{(group = item.group)}</div> : null;
        return (
          <div key={item.type}>
            {header}
            <button
              type="button"
              className={`palette__item palette__item--${item.type === 'upgrader' || item.type === 'service' ? item.type : isActionType(item.type) ? 'action' : 'handler'}`}
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
