/**
 * The React Flow canvas, controlled by the store: nodes and edges are derived from the flow
 * document (use-card-nodes.ts, use-card-edges.ts); moves, connections and selection go back
 * through the store (use-flow-changes.ts); fitting the view is fit-view.tsx; what the app asks of
 * the view is use-view-bridge.ts; drops and context menus are use-canvas-pointer.ts.
 */
import { useMemo, useRef } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow } from '@xyflow/react';
import { isConnectorType } from '../../../runtime/model/registry.ts';
import { useStudio } from '../store.ts';
import { ConnectionHint } from './ConnectionHint.tsx';
import { FirstFit, MINIMAP, useFitView } from './fit-view.tsx';
import { NODE_TYPES, type CardNode } from './FlowNodes.tsx';
import type { FrameNode } from './FrameCard.tsx';
import { useCanvasPointer } from './use-canvas-pointer.ts';
import { useCardEdges } from './use-card-edges.ts';
import { useCardNodes } from './use-card-nodes.ts';
import { useFlowChanges } from './use-flow-changes.ts';
import { useFrameNodes } from './use-frame-nodes.ts';
import { useRunClock } from './use-run-clock.ts';
import { useViewBridge } from './use-view-bridge.ts';


// React Flow copies these props into its store whenever their identity changes, and every node
// and edge re-checks the store then: they are constants so a click re-renders only what changed.
const MINIMAP_STYLE = { width: MINIMAP.width, height: MINIMAP.height };
// Connectors draw the action card but keep their own colour.
const minimapNodeClass = (n: CanvasNode) => (n.type === 'frame' ? 'minimap-node minimap-node--frame' : `minimap-node minimap-node--${isConnectorType(n.data.node.type) ? 'connector' : (n.type ?? 'handler')}`);

export type CanvasNode = CardNode | FrameNode;
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: 'smoothstep' };
const MULTI_SELECTION_KEYS = ['Meta', 'Control', 'Shift'];
const ARIA_LABELS = { 'node.a11yDescription.default': 'Press Enter or Space to select a node, arrow keys to move it, Ctrl+Shift+C to connect it to another node, Delete to remove it.' };

export function Canvas() {
  const nodeCount = useStudio((s) => s.flow.nodes.length);
  const theme = useStudio((s) => s.theme);
  const host = useRef<HTMLDivElement>(null);
  const now = useRunClock();
  const cards = useCardNodes(now);
  const frames = useFrameNodes();
  // Frames first: drawn behind the cards. No frames: the cards' own array, unchanged.
  const nodes = useMemo<CanvasNode[]>(() => (frames.length === 0 ? cards : [...frames, ...cards]), [frames, cards]);
  const edges = useCardEdges(now);
  const changes = useFlowChanges();
  const showMinimap = useViewBridge(host);
  const { firstFit, onFirstFit } = useFitView(host, cards.length, showMinimap);
  const pointer = useCanvasPointer();

  // Past this size, skip rendering what is off screen (measured flows keep their sizes).
  const huge = nodeCount > 1500;
  // Many cards: drop their soft shadows, which software painting pays for on every frame.
  const many = nodeCount > 200;
  return (
    <div className={many ? 'canvas canvas--many' : 'canvas'} data-testid="canvas" ref={host} onDragOver={pointer.onDragOver} onDrop={pointer.onDrop}>
      <ReactFlow<CanvasNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={changes.onNodesChange}
        onEdgesChange={changes.onEdgesChange}
        onConnect={changes.onConnect}
        onConnectEnd={changes.onConnectEnd}
        isValidConnection={changes.isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        colorMode={theme}
        onlyRenderVisibleElements={huge}
        minZoom={0.02}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onNodeContextMenu={pointer.onNodeContextMenu}
        onNodeDoubleClick={pointer.onNodeDoubleClick}
        onEdgeContextMenu={pointer.onEdgeContextMenu}
        onPaneContextMenu={pointer.onPaneContextMenu}
        ariaLabelConfig={ARIA_LABELS}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
        {showMinimap && <MiniMap pannable zoomable ariaLabel="Minimap" style={MINIMAP_STYLE} nodeBorderRadius={6} nodeClassName={minimapNodeClass} />}
        <Controls showInteractive={false} />
        <ConnectionHint />
        <FirstFit request={firstFit} onFitted={onFirstFit} />
      </ReactFlow>
      {nodeCount === 0 && (
        <div className="canvas__empty">
          <h2>Start your flow</h2>
          <p>Drag an <b>upgrader</b>, a <b>service</b> and <b>handlers</b> from the palette, then connect them left to right.</p>
        </div>
      )}
    </div>
  );
}
