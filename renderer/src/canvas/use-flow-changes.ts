/**
 * React Flow's change callbacks, turned into store changes: moves and connections are model
 * changes with undo; selection and measured sizes are UI state. A refused connection says why.
 */
import { useMemo } from 'react';
import type { Connection, Edge, EdgeChange, FinalConnectionState, NodeChange } from '@xyflow/react';
import { canConnect } from '../../../runtime/model/edges.ts';
import type { Position } from '../../../runtime/model/types.ts';
import { connect, moveNodes } from '../model/flow-ops.ts';
import { useStudio } from '../store.ts';
import { moveFrame } from '../model/frames.ts';
import type { CanvasNode } from './Canvas.tsx';
import { frameIdOf } from './FrameCard.tsx';

function onNodesChange(changes: NodeChange<CanvasNode>[]) {
  const state = useStudio.getState();
  const moved: Record<string, Position> = {};
  let sizes: typeof state.measured | undefined;
  let selection: Set<string> | undefined;
  for (const change of changes) {
    // A frame is layout only: dragging it moves its nodes; its size and selection are not kept.
    const frameId = 'id' in change ? frameIdOf(change.id) : undefined;
    if (frameId !== undefined) {
      if (change.type === 'position' && change.position) {
        const to = change.position;
        state.change((f) => moveFrame(f, frameId, to, state.measured), { coalesce: `frame:${frameId}` });
      }
      continue;
    }
    if (change.type === 'position' && change.position) moved[change.id] = change.position;
    else if (change.type === 'dimensions' && change.dimensions) {
      sizes ??= { ...state.measured };
      sizes[change.id] = { width: change.dimensions.width, height: change.dimensions.height };
    } else if (change.type === 'select') {
      selection ??= new Set(state.selectedNodes);
      if (change.selected) selection.add(change.id);
      else selection.delete(change.id);
    }
  }
  if (Object.keys(moved).length) state.change((f) => moveNodes(f, moved), { coalesce: `move:${Object.keys(moved).sort().join(',')}` });
  if (sizes) state.set({ measured: sizes });
  if (selection) state.select([...selection], selection.size ? [] : state.selectedEdges);
}

function onEdgesChange(changes: EdgeChange[]) {
  const state = useStudio.getState();
  let selection: Set<string> | undefined;
  for (const change of changes) {
    if (change.type !== 'select') continue;
    selection ??= new Set(state.selectedEdges);
    if (change.selected) selection.add(change.id);
    else selection.delete(change.id);
  }
  if (selection) state.select(selection.size ? [] : state.selectedNodes, [...selection]);
}

function onConnect(connection: Connection) {
  const state = useStudio.getState();
  const outcome = connect(state.flow, connection.source, connection.target, connection.sourceHandle ?? undefined);
  if (outcome.ok) state.change(() => outcome.flow);
  else state.toast('error', outcome.reason);
}

const isValidConnection = (connection: Connection | Edge) => canConnect(useStudio.getState().flow, connection.source, connection.target, connection.sourceHandle ?? undefined).ok;

function onConnectEnd(_event: MouseEvent | TouchEvent, state: FinalConnectionState) {
  if (!state.fromNode || !state.toNode || state.isValid !== false) return;
  const verdict = canConnect(useStudio.getState().flow, state.fromNode.id, state.toNode.id);
  if (!verdict.ok) useStudio.getState().toast('error', verdict.reason);
}

/** The callbacks read the store when called, so they are constants (React Flow copies props). */
export function useFlowChanges() {
  return useMemo(() => ({ onNodesChange, onEdgesChange, onConnect, isValidConnection, onConnectEnd }), []);
}
