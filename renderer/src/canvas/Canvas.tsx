/**
 * The React Flow canvas, controlled by the store: nodes and edges are derived from the flow
 * document; moves, connections and selection go back through the store (moves and connections
 * are model changes with undo, selection and measured sizes are UI state).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useConnection,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import { canConnect } from '../../../runtime/model/edges.ts';
import { isActionType, type FlowNode, type NodeType, type Position } from '../../../runtime/model/types.ts';
import { chainOwners } from '../lowcode/chain-ops.ts';
import { addNode, connect, edgeKey, isHandlerType, moveNodes, newNode } from '../model/flow-ops.ts';
import { useStudio } from '../store.ts';
import { NODE_TYPES, type CardData, type CardNode } from './FlowNodes.tsx';

export const PALETTE_MIME = 'application/x-wsflow-node';
const FIRING_MS = 1500;

const kindOf = (node: FlowNode): CardNode['type'] => (node.type === 'upgrader' ? 'upgrader' : node.type === 'service' ? 'service' : isActionType(node.type) ? 'action' : 'handler');

/** Add a node of `type` at a flow position and select it (palette drop, click and keyboard). */
export function placeNode(type: NodeType, at: Position): void {
  const state = useStudio.getState();
  const node = newNode(state.flow, type, at);
  state.change((flow) => addNode(flow, node));
  state.select([node.id]);
}

function ConnectionHint() {
  const connection = useConnection();
  const flow = useStudio((s) => s.flow);
  const rf = useReactFlow();
  if (!connection.inProgress || !connection.toNode || connection.isValid !== false || !connection.to) return null;
  const verdict = canConnect(flow, connection.fromNode.id, connection.toNode.id);
  if (verdict.ok) return null;
  const at = rf.flowToScreenPosition(connection.to);
  return (
    <div className="connect-hint" role="alert" data-testid="connect-hint" style={{ left: at.x + 14, top: at.y + 14 }}>
      {verdict.reason}
    </div>
  );
}

export function Canvas() {
  const flow = useStudio((s) => s.flow);
  const selectedNodes = useStudio((s) => s.selectedNodes);
  const selectedEdges = useStudio((s) => s.selectedEdges);
  const measured = useStudio((s) => s.measured);
  const problems = useStudio((s) => s.problems);
  const firing = useStudio((s) => s.firing);
  const running = useStudio((s) => !!s.run);
  const fitViewSeq = useStudio((s) => s.fitViewSeq);
  const theme = useStudio((s) => s.theme);
  const rf = useReactFlow();
  const [now, setNow] = useState(() => Date.now());
  const cache = useRef(new Map<string, CardNode>());

  // While running, re-evaluate which nodes still glow.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 300);
    return () => clearInterval(timer);
  }, [running]);

  const nodes = useMemo(() => {
    const selected = new Set(selectedNodes);
    const byNode = new Map<string, { errors: number; warnings: number; first?: string }>();
    for (const p of problems) {
      if (!p.nodeId) continue;
      const entry = byNode.get(p.nodeId) ?? { errors: 0, warnings: 0 };
      if (p.severity === 'error') entry.errors++;
      else entry.warnings++;
      entry.first ??= p.message;
      byNode.set(p.nodeId, entry);
    }
    const next = new Map<string, CardNode>();
    // An action node lights up when the event node of its chain fires.
    const owners = chainOwners(flow);
    const chained = new Set(owners.values());
    const out = flow.nodes.map((node, index) => {
      const counts = byNode.get(node.id);
      const isFiring = running && now - (firing[owners.get(node.id) ?? node.id] ?? 0) < FIRING_MS;
      const prev = cache.current.get(node.id);
      const position = node.position ?? { x: 40 + (index % 8) * 280, y: 40 + Math.floor(index / 8) * 120 };
      const size = measured[node.id];
      if (
        prev &&
        prev.data.node === node &&
        prev.selected === selected.has(node.id) &&
        prev.data.errors === (counts?.errors ?? 0) &&
        prev.data.warnings === (counts?.warnings ?? 0) &&
        prev.data.firstError === counts?.first &&
        prev.data.firing === isFiring &&
        prev.data.chained === chained.has(node.id) &&
        prev.measured === size
      ) {
        next.set(node.id, prev);
        return prev;
      }
      const data: CardData = { node, errors: counts?.errors ?? 0, warnings: counts?.warnings ?? 0, firing: isFiring, chained: chained.has(node.id) };
      if (counts?.first) data.firstError = counts.first;
      const card: CardNode = { id: node.id, type: kindOf(node), position, data, selected: selected.has(node.id), ...(size ? { measured: size } : {}) };
      next.set(node.id, card);
      return card;
    });
    cache.current = next;
    return out;
  }, [flow, selectedNodes, problems, firing, running, now, measured]);

  const edges = useMemo<Edge[]>(() => {
    const selected = new Set(selectedEdges);
    const owners = chainOwners(flow);
    return flow.edges.map((e) => {
      const key = edgeKey(e);
      const live = running && now - (firing[owners.get(e.to) ?? e.to] ?? 0) < FIRING_MS;
      return {
        id: key,
        source: e.from,
        target: e.to,
        ...(e.port ? { sourceHandle: e.port, label: e.port } : {}),
        selected: selected.has(key),
        animated: live,
        className: live ? 'edge--live' : '',
      };
    });
  }, [flow, selectedEdges, running, firing, now]);

  const onNodesChange = useCallback((changes: NodeChange<CardNode>[]) => {
    const state = useStudio.getState();
    const moved: Record<string, Position> = {};
    let sizes: typeof state.measured | undefined;
    let selection: Set<string> | undefined;
    for (const change of changes) {
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
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const state = useStudio.getState();
    let selection: Set<string> | undefined;
    for (const change of changes) {
      if (change.type !== 'select') continue;
      selection ??= new Set(state.selectedEdges);
      if (change.selected) selection.add(change.id);
      else selection.delete(change.id);
    }
    if (selection) state.select(selection.size ? [] : state.selectedNodes, [...selection]);
  }, []);

  const onConnect = useCallback((connection: Connection) => {
    const state = useStudio.getState();
    const outcome = connect(state.flow, connection.source, connection.target, connection.sourceHandle ?? undefined);
    if (outcome.ok) state.change(() => outcome.flow);
    else state.toast('error', outcome.reason);
  }, []);

  const isValidConnection = useCallback((connection: Connection | Edge) => canConnect(useStudio.getState().flow, connection.source, connection.target, connection.sourceHandle ?? undefined).ok, []);

  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (!state.fromNode || !state.toNode || state.isValid !== false) return;
    const verdict = canConnect(useStudio.getState().flow, state.fromNode.id, state.toNode.id);
    if (!verdict.ok) useStudio.getState().toast('error', verdict.reason);
  }, []);

  // Fit once the nodes are measured (a fresh document's sizes are unknown for a frame or two);
  // performance marks let the scale test measure time to first render and to fit view.
  const initialized = useMemo(() => flow.nodes.every((n) => measured[n.id] !== undefined), [flow.nodes, measured]);
  const pendingFit = useRef(0);
  const firstRenderMarked = useRef(-1);
  useEffect(() => {
    if (fitViewSeq !== firstRenderMarked.current && nodes.length > 0 && initialized) {
      firstRenderMarked.current = fitViewSeq;
      performance.mark('wsflow:nodes-rendered');
    }
  }, [fitViewSeq, nodes.length, initialized]);
  useEffect(() => {
    pendingFit.current = fitViewSeq;
  }, [fitViewSeq]);
  useEffect(() => {
    if (pendingFit.current === 0 || (!initialized && nodes.length > 0)) return;
    pendingFit.current = 0;
    const large = nodes.length > 200;
    void rf.fitView({ padding: 0.15, maxZoom: 1.2, duration: large ? 0 : 200 }).then(() => performance.mark('wsflow:fit-view'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fitViewSeq, initialized]);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_MIME) as NodeType;
      if (!type || !(type === 'upgrader' || type === 'service' || isHandlerType(type) || isActionType(type))) return;
      event.preventDefault();
      const at = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      placeNode(type, { x: at.x - 110, y: at.y - 30 });
    },
    [rf],
  );

  // Past this size, skip rendering what is off screen (measured flows keep their sizes).
  const huge = flow.nodes.length > 1500;
  return (
    <div className="canvas" data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CardNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        colorMode={theme}
        onlyRenderVisibleElements={huge}
        minZoom={0.02}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: 'smoothstep' }}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
        <MiniMap pannable zoomable style={{ width: 150, height: 100 }} nodeBorderRadius={6} nodeClassName={(n) => `minimap-node minimap-node--${n.type ?? 'handler'}`} />
        <Controls showInteractive={false} />
        <ConnectionHint />
      </ReactFlow>
      {flow.nodes.length === 0 && (
        <div className="canvas__empty">
          <h2>Start your flow</h2>
          <p>Drag an <b>upgrader</b>, a <b>service</b> and <b>handlers</b> from the palette, then connect them left to right.</p>
        </div>
      )}
    </div>
  );
}
