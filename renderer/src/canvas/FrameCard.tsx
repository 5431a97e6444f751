/**
 * A frame on the canvas (model/frames.ts): a labelled box behind a group of nodes. Dragging it
 * moves its nodes; a double click on the label renames it.
 */
import { memo, useState } from 'react';
import type { Node, NodeProps } from '@xyflow/react';
import type { DesignerFrame } from '../../../runtime/model/types.ts';
import { renameFrame } from '../model/frames.ts';
import { useStudio } from '../store.ts';

export type FrameNode = Node<{ frame: DesignerFrame }, 'frame'>;

/** React Flow ids of frames: prefixed, so a frame never shares an id with a node. */
export const FRAME_PREFIX = '@frame:';
export const frameNodeId = (frameId: string) => `${FRAME_PREFIX}${frameId}`;
export const frameIdOf = (rfId: string) => (rfId.startsWith(FRAME_PREFIX) ? rfId.slice(FRAME_PREFIX.length) : undefined);

export const FrameCard = memo(function FrameCard({ data }: NodeProps<FrameNode>) {
  const { frame } = data;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(frame.label);
  const commit = () => {
    setEditing(false);
    const label = draft.trim();
    if (label && label !== frame.label) useStudio.getState().change((f) => renameFrame(f, frame.id, label));
  };
  return (
    <div className="frame" data-frame-id={frame.id} data-testid={`frame-${frame.id}`}>
      {editing ? (
        <input
          className="frame__input nodrag nokey"
          aria-label="Frame label"
          value={draft}
          autoFocus
          data-testid="frame-label-input"
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') {
              setDraft(frame.label);
              setEditing(false);
            }
          }}
        />
      ) : (
        <span
          className="frame__label"
          title="Double-click to rename"
          data-testid="frame-label"
          onDoubleClick={() => {
            setDraft(frame.label);
            setEditing(true);
          }}
        >
          {frame.label}
        </span>
      )}
    </div>
  );
});
