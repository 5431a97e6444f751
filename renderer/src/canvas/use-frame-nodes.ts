/** The frames of the document (model/frames.ts) as React Flow nodes, drawn behind the cards. */
import { useMemo } from 'react';
import { frameBox, framesOf } from '../model/frames.ts';
import { useStudio } from '../store.ts';
import { frameNodeId, type FrameNode } from './FrameCard.tsx';

export function useFrameNodes(): FrameNode[] {
  const flow = useStudio((s) => s.flow);
  const measured = useStudio((s) => s.measured);
  return useMemo(() => {
    const frames = framesOf(flow);
    if (frames.length === 0) return [];
    const out: FrameNode[] = [];
    for (const frame of frames) {
      const box = frameBox(flow, frame, measured);
      if (!box) continue;
      out.push({
        id: frameNodeId(frame.id),
        type: 'frame',
        position: { x: box.x, y: box.y },
        width: box.width,
        height: box.height,
        zIndex: -1,
        selectable: false,
        connectable: false,
        deletable: false,
        data: { frame },
        ariaLabel: `frame ${frame.label} around ${frame.nodes.length} ${frame.nodes.length === 1 ? 'node' : 'nodes'}`,
      });
    }
    return out;
  }, [flow, measured]);
}
