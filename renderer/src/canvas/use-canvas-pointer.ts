/**
 * What the mouse does on the canvas beyond React Flow's own: dropping a palette item, the context
 * menus of nodes, edges and the pane, and a double click on a component card (opens its file).
 */
import { useCallback, useMemo, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { useReactFlow, type Edge } from '@xyflow/react';
import { isNodeType } from '../../../runtime/model/registry.ts';
import { useServices, useView } from '../app-context.tsx';
import { useStudio } from '../store.ts';
import type { CanvasNode } from './Canvas.tsx';
import { placeNode } from './place.ts';

export const PALETTE_MIME = 'application/x-wsflow-node';

export function useCanvasPointer() {
  const rf = useReactFlow();
  const view = useView();
  const services = useServices();

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME);
      if (!isNodeType(type)) return;
      event.preventDefault();
      const at = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      placeNode(useStudio, type, { x: at.x - 110, y: at.y - 30 }, view.visible());
    },
    [rf, view],
  );

  const menus = useMemo(() => {
    const open = (event: ReactMouseEvent | MouseEvent, target: 'node' | 'edge' | 'canvas', select?: () => void) => {
      event.preventDefault();
      select?.();
      const flowAt = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useStudio.getState().set({ overlay: 'contextMenu', contextMenu: { x: event.clientX, y: event.clientY, flow: flowAt, target } });
    };
    return {
      onNodeContextMenu: (event: ReactMouseEvent, node: CanvasNode) => (node.type === 'frame' ? open(event, 'canvas') : open(event, 'node', () => !useStudio.getState().selectedNodes.includes(node.id) && useStudio.getState().select([node.id]))),
      onEdgeContextMenu: (event: ReactMouseEvent, edge: Edge) => open(event, 'edge', () => useStudio.getState().select([], [edge.id])),
      onPaneContextMenu: (event: ReactMouseEvent | MouseEvent) => open(event, 'canvas'),
    };
  }, [rf]);

  // A component card opens its file (docs/components.md, "Open component").
  const onNodeDoubleClick = useCallback(
    (_event: ReactMouseEvent, card: CanvasNode) => {
      const node = useStudio.getState().flow.nodes.find((n) => n.id === card.id);
      if (node?.type === 'component' && typeof node.ref === 'string') void services.openComponent(node.ref);
    },
    [services],
  );

  return { onDragOver, onDrop, onNodeDoubleClick, ...menus };
}
