/**
 * On a card: the breakpoint mark (F9) and, while a connection waits at this node and is the one
 * picked in the Debug panel, the "paused here" mark (the card is outlined through debug.css).
 * Subscribes to the store itself, so that a toggled breakpoint re-renders this mark only.
 */
import { useStudio } from '../store.ts';
import './debug.css';

export function BreakpointMark({ nodeId }: { nodeId: string }) {
  const on = useStudio((s) => s.breakpoints.includes(nodeId));
  const here = useStudio((s) => {
    const pick = s.paused.find((p) => p.connectionId === s.pausedPick);
    return pick?.nodeId === nodeId;
  });
  return (
    <>
      {on && <span className="card__breakpoint" data-testid={`breakpoint-${nodeId}`} title="Breakpoint (F9 to remove)" aria-label="Breakpoint" />}
      {here && <span className="card__paused" data-testid={`paused-at-${nodeId}`} title="A connection is paused here (F10 step, F5 continue)" >paused</span>}
    </>
  );
}
