/**
 * The React Flow canvas, controlled by the store: nodes and edges are derived from the flow
 * document; moves, connections and selection go back through the store (moves and connections
 * are model changes with undo, selection and measured sizes are UI state).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
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
  type FitViewOptions,
  type NodeChange,
} from '@xyflow/react';
type Padding = NonNullable<FitViewOptions['padding']>;
import { canConnect } from '../../../runtime/model/edges.ts';
import { isActionType, type FlowNode, type NodeType, type Position } from '../../../runtime/model/types.ts';
import { useView } from '../app-context.tsx';
import { chainOwners } from '../lowcode/chain-ops.ts';
import { connect, edgeKey, isHandlerType, moveNodes } from '../model/flow-ops.ts';
import { useStudio } from '../store.ts';
import { NODE_TYPES, type CardData, type CardNode } from './FlowNodes.tsx';
import { placeNode } from './place.ts';

export const PALETTE_MIME = 'application/x-wsflow-node';
const FIRING_MS = 1500;

const kindOf = (node: FlowNode): CardNode['type'] => (node.type === 'upgrader' ? 'upgrader' : node.type === 'service' ? 'service' : isActionType(node.type) ? 'action' : 'handler');

/** The minimap's box (px) and its margin: fitting the view keeps nodes out of that corner. */
const MINIMAP = { width: 150, height: 100, margin: 15 };

/** "handler on-text (onText), 1 error": what a screen reader announces for a node. */
function nodeName(node: FlowNode, errors: number, warnings: number, hint: boolean): string {
  const kind = node.type === 'upgrader' || node.type === 'service' ? node.type : `${node.type} handler`;
  const label = node.label ? `${node.label} (${node.id})` : node.id;
  const issues = hint ? ', not finished yet' : errors ? `, ${errors} ${errors === 1 ? 'error' : 'errors'}` : warnings ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '';
  return `${kind} ${label}${issues}`;
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
  const runtimeErrors = useStudio((s) => s.runtimeErrors);
  const freshNode = useStudio((s) => s.freshNode);
  const firing = useStudio((s) => s.firing);
  const running = useStudio((s) => !!s.run);
  const fitViewSeq = useStudio((s) => s.fitViewSeq);
  const theme = useStudio((s) => s.theme);
  const rf = useReactFlow();
  const view = useView();
  const host = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(() => Date.now());
  const [paneSize, setPaneSize] = useState({ width: 800, height: 500 });

  // Paste and quick-add put nodes in the middle of what the user sees.
  useEffect(() => {
    view.center = () => {
      const box = host.current?.getBoundingClientRect();
      const at = box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 400, y: 300 };
      const flowAt = rf.screenToFlowPosition(at);
      return { x: flowAt.x - 110, y: flowAt.y - 40 };
    };
  }, [rf, view]);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setPaneSize({ width: el.clientWidth, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const cache = useRef(new Map<string, CardNode>());

  // While running, re-evaluate which nodes still glow.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 300);
    return () => clearInterval(timer);
  }, [running]);

  const nodes = useMemo(() => {
    const selected = new Set(selectedNodes);
    const byNode = new Map<string, { errors: number; warnings: number; first?: string; runtime?: boolean }>();
    for (const r of runtimeErrors) {
      const nodeId = r.problem.nodeId;
      if (!nodeId) continue;
      const entry = byNode.get(nodeId) ?? { errors: 0, warnings: 0 };
      entry.errors++;
      entry.runtime = true;
      entry.first ??= `Runtime error${r.problem.line !== undefined ? ` at line ${r.problem.line}` : ''}: ${r.problem.message}`;
      byNode.set(nodeId, entry);
    }
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
      const hint = node.id === freshNode && !byNode.get(node.id)?.runtime;
      const counts = hint ? undefined : byNode.get(node.id);
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
        prev.data.hint === hint &&
        prev.data.runtime === !!counts?.runtime &&
        prev.data.chained === chained.has(node.id) &&
        prev.measured === size
      ) {
        next.set(node.id, prev);
        return prev;
      }
      const data: CardData = { node, errors: counts?.errors ?? 0, warnings: counts?.warnings ?? 0, firing: isFiring, hint, runtime: !!counts?.runtime, chained: chained.has(node.id) };
      if (counts?.first) data.firstError = counts.first;
      const ariaLabel = nodeName(node, data.errors, data.warnings, hint && (byNode.get(node.id)?.errors ?? 0) > 0);
      const card: CardNode = { id: node.id, type: kindOf(node), position, data, ariaLabel, selected: selected.has(node.id), ...(size ? { measured: size } : {}) };
      next.set(node.id, card);
      return card;
    });
    cache.current = next;
    return out;
  }, [flow, selectedNodes, problems, runtimeErrors, freshNode, firing, running, now, measured]);

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
        ariaLabel: `connection from ${e.from}${e.port ? ` (${e.port})` : ''} to ${e.to}`,
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

  // A small canvas has no room for a minimap that would not cover nodes.
  const showMinimap = paneSize.width >= 520 && paneSize.height >= 320;

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
    // An empty document has nothing to fit: fitting later, on the first drop, would zoom the view
    // around that one node and the next drop "to its right" would land on it.
    if (nodes.length === 0) return;
    const large = nodes.length > 200;
    // Keep the fitted nodes out of the minimap's corner (its height plus margins at the bottom).
    const padding: Padding = showMinimap ? { x: '6%', top: '6%', bottom: `${MINIMAP.height + MINIMAP.margin * 2}px` } : 0.15;
    void rf.fitView({ padding, maxZoom: 1.2, duration: large ? 0 : 200 }).then(() => performance.mark('wsflow:fit-view'));
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
      placeNode(useStudio, type, { x: at.x - 110, y: at.y - 30 });
    },
    [rf],
  );

  const onContextMenu = useCallback(
    (event: ReactMouseEvent | MouseEvent, target: 'node' | 'edge' | 'canvas', select?: () => void) => {
      event.preventDefault();
      select?.();
      const flowAt = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useStudio.getState().set({ overlay: 'contextMenu', contextMenu: { x: event.clientX, y: event.clientY, flow: flowAt, target } });
    },
    [rf],
  );

  // Past this size, skip rendering what is off screen (measured flows keep their sizes).
  const huge = flow.nodes.length > 1500;
  return (
    <div className="canvas" data-testid="canvas" ref={host} onDragOver={onDragOver} onDrop={onDrop}>
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
        onNodeContextMenu={(e, n) => onContextMenu(e, 'node', () => !useStudio.getState().selectedNodes.includes(n.id) && useStudio.getState().select([n.id]))}
        onEdgeContextMenu={(e, edge) => onContextMenu(e, 'edge', () => useStudio.getState().select([], [edge.id]))}
        onPaneContextMenu={(e) => onContextMenu(e, 'canvas')}
        ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter or Space to select a node, arrow keys to move it, Ctrl+Shift+C to connect it to another node, Delete to remove it.' }}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
        {showMinimap && (
          <MiniMap pannable zoomable ariaLabel="Minimap" style={{ width: MINIMAP.width, height: MINIMAP.height }} nodeBorderRadius={6} nodeClassName={(n) => `minimap-node minimap-node--${n.type ?? 'handler'}`} />
        )}
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
