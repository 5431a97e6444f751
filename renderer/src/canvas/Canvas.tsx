/**
 * The React Flow canvas, controlled by the store: nodes and edges are derived from the flow
 * document; moves, connections and selection go back through the store (moves and connections
 * are model changes with undo, selection and measured sizes are UI state).
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type RefObject, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  getNodesBounds,
  getViewportForBounds,
  useConnection,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type FitViewOptions,
  type NodeChange,
} from '@xyflow/react';
type Padding = NonNullable<FitViewOptions['padding']>;
import { canConnect } from '../../../runtime/model/edges.ts';
import { isConnectorType, isNodeType } from '../../../runtime/model/registry.ts';
import type { FlowNode, Position } from '../../../runtime/model/types.ts';
import { useServices, useView } from '../app-context.tsx';
import { chainOwners } from '../lowcode/chain-ops.ts';
import { connect, edgeKey, moveNodes } from '../model/flow-ops.ts';
import { useStudio } from '../store.ts';
import { cardFamily, cardHandles, cardSize } from './card-geometry.ts';
import { NODE_TYPES, type CardData, type CardNode } from './FlowNodes.tsx';
import { placeNode } from './place.ts';
import { onPath } from '../panels/trace-rows.ts';

export const PALETTE_MIME = 'application/x-wsflow-node';
const FIRING_MS = 1500;

const kindOf = (node: FlowNode): CardNode['type'] => cardFamily(node.type);

/** The minimap's box (px) and its margin: fitting the view keeps nodes out of that corner. */
const MINIMAP = { width: 150, height: 100, margin: 15 };
/** A fitted view never zooms in past this, however few the nodes. */
const FIT_MAX_ZOOM = 1.2;
/**
 * Auto layout fits no further out than this: the cards' smallest text (11 px) stays about 8 px.
 * A flow that is larger is shown from its start (top-left) and panned to see the rest.
 */
export const READABLE_ZOOM = 0.75;
const READABLE_MARGIN = 24;

// React Flow copies these props into its store whenever their identity changes, and every node
// and edge re-checks the store then: they are constants so a click re-renders only what changed.
const MINIMAP_STYLE = { width: MINIMAP.width, height: MINIMAP.height };
// Connectors draw the action card but keep their own colour.
const minimapNodeClass = (n: CardNode) => `minimap-node minimap-node--${isConnectorType(n.data.node.type) ? 'connector' : (n.type ?? 'handler')}`;
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: 'smoothstep' };
const MULTI_SELECTION_KEYS = ['Meta', 'Control', 'Shift'];
const ARIA_LABELS = { 'node.a11yDescription.default': 'Press Enter or Space to select a node, arrow keys to move it, Ctrl+Shift+C to connect it to another node, Delete to remove it.' };

/** "handler on-text (onText), 1 error": what a screen reader announces for a node. */
function nodeName(node: FlowNode, errors: number, warnings: number, hint: boolean): string {
  const kind = node.type === 'upgrader' || node.type === 'service' ? node.type : `${node.type} handler`;
  const label = node.label ? `${node.label} (${node.id})` : node.id;
  const issues = hint ? ', not finished yet' : errors ? `, ${errors} ${errors === 1 ? 'error' : 'errors'}` : warnings ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '';
  return `${kind} ${label}${issues}`;
}

/** Until React Flow has measured a card, its known size and handles (see card-geometry.ts). */
function firstSize(node: FlowNode): Pick<CardNode, 'initialWidth' | 'initialHeight' | 'handles'> {
  const size = cardSize(node);
  return { initialWidth: size.width, initialHeight: size.height, handles: cardHandles(node, size) };
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

/**
 * Fits a fresh document in the layout phase of the commit in which React Flow first holds its
 * nodes (sized from card-geometry.ts), so the first paint of the cards is the fitted one. Marks
 * `wsflow:nodes-rendered` when the first cards are in the page.
 */
function FirstFit({ request, onFitted }: { request: RefObject<Padding | null>; onFitted: () => void }) {
  const nodes = useStore((s) => s.nodes);
  const store = useStoreApi();
  const rf = useReactFlow();
  const rendered = useRef(false);
  useLayoutEffect(() => {
    if (!rendered.current && nodes.length > 0) {
      rendered.current = true;
      performance.mark('wsflow:nodes-rendered');
    }
    const padding = request.current;
    const { width, height, minZoom, panZoom } = store.getState();
    if (padding === null || nodes.length === 0 || !panZoom || width === 0 || height === 0) return;
    request.current = null;
    onFitted();
    const viewport = getViewportForBounds(getNodesBounds(nodes), width, height, minZoom, FIT_MAX_ZOOM, padding);
    void rf.setViewport(viewport).then(() => performance.mark('wsflow:fit-view'));
  }, [nodes, request, onFitted, store, rf]);
  return null;
}

export function Canvas() {
  const flow = useStudio((s) => s.flow);
  const selectedNodes = useStudio((s) => s.selectedNodes);
  const selectedEdges = useStudio((s) => s.selectedEdges);
  const measured = useStudio((s) => s.measured);
  const problems = useStudio((s) => s.problems);
  const runtimeErrors = useStudio((s) => s.runtimeErrors);
  const tracePath = useStudio((s) => s.tracePath);
  const freshNode = useStudio((s) => s.freshNode);
  const firing = useStudio((s) => s.firing);
  const running = useStudio((s) => !!s.run);
  const fitViewSeq = useStudio((s) => s.fitViewSeq);
  const fitReadable = useStudio((s) => s.fitReadable);
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
    view.visible = () => {
      const box = host.current?.getBoundingClientRect();
      if (!box || box.width === 0) return undefined;
      const rect = (left: number, top: number, right: number, bottom: number) => {
        const a = rf.screenToFlowPosition({ x: left, y: top });
        const b = rf.screenToFlowPosition({ x: right, y: bottom });
        return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
      };
      const visible = rect(box.left, box.top, box.right, box.bottom);
      if (!minimapShown.current) return { visible };
      const m = MINIMAP;
      return { visible, minimap: rect(box.right - m.width - 2 * m.margin, box.bottom - m.height - 2 * m.margin, box.right, box.bottom) };
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
      const where = r.problem.field && r.problem.field !== 'code' ? ` in field '${r.problem.field}'` : r.problem.line !== undefined ? ` at line ${r.problem.line}` : '';
      entry.first ??= `Runtime error${where}: ${r.problem.message}`;
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
    const lit = new Set(tracePath?.nodes);
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
      const isSelected = selected.has(node.id);
      const className = lit.has(node.id) ? 'card--on-path' : undefined;
      const sameData =
        prev &&
        prev.data.node === node &&
        prev.data.errors === (counts?.errors ?? 0) &&
        prev.data.warnings === (counts?.warnings ?? 0) &&
        prev.data.firstError === counts?.first &&
        prev.data.firing === isFiring &&
        prev.data.hint === hint &&
        prev.data.runtime === !!counts?.runtime &&
        prev.data.chained === chained.has(node.id);
      if (prev && sameData && prev.selected === isSelected && prev.measured === size && prev.className === className) {
        next.set(node.id, prev);
        return prev;
      }
      // The card re-renders only when its data or selection changed; a new size alone (React Flow
      // measuring the cards after the first render) keeps the data object, so the memoised card
      // skips a second render of every node.
      let data: CardData;
      let ariaLabel: string;
      if (prev && sameData) {
        data = prev.data;
        ariaLabel = prev.ariaLabel ?? '';
      } else {
        data = { node, errors: counts?.errors ?? 0, warnings: counts?.warnings ?? 0, firing: isFiring, hint, runtime: !!counts?.runtime, chained: chained.has(node.id) };
        if (counts?.first) data.firstError = counts.first;
        ariaLabel = nodeName(node, data.errors, data.warnings, hint && (byNode.get(node.id)?.errors ?? 0) > 0);
      }
      const card: CardNode = { id: node.id, type: kindOf(node), position, data, ariaLabel, selected: isSelected, ...(className ? { className } : {}), ...(size ? { measured: size } : firstSize(node)) };
      next.set(node.id, card);
      return card;
    });
    cache.current = next;
    return out;
  }, [flow, selectedNodes, problems, runtimeErrors, tracePath, freshNode, firing, running, now, measured]);

  const edgeCache = useRef<Edge[]>([]);
  const edges = useMemo<Edge[]>(() => {
    const selected = new Set(selectedEdges);
    const owners = chainOwners(flow);
    const previous = new Map(edgeCache.current.map((e) => [e.id, e]));
    let changed = flow.edges.length !== edgeCache.current.length;
    const out = flow.edges.map((e, index) => {
      const key = edgeKey(e);
      const live = running && now - (firing[owners.get(e.to) ?? e.to] ?? 0) < FIRING_MS;
      const lit = tracePath !== undefined && onPath(tracePath, e);
      const className = [live ? 'edge--live' : '', lit ? 'edge--on-path' : ''].filter(Boolean).join(' ');
      const prev = previous.get(key);
      // Same edge, same state: keep the object, so React Flow does not redraw it.
      if (prev && prev.source === e.from && prev.target === e.to && prev.sourceHandle === e.port && prev.selected === selected.has(key) && prev.animated === live && prev.className === className) {
        if (edgeCache.current[index] !== prev) changed = true;
        return prev;
      }
      changed = true;
      return {
        id: key,
        source: e.from,
        target: e.to,
        ...(e.port ? { sourceHandle: e.port, label: e.port } : {}),
        selected: selected.has(key),
        animated: live,
        className,
        ariaLabel: `connection from ${e.from}${e.port ? ` (${e.port})` : ''} to ${e.to}`,
      };
    });
    // An unchanged list keeps its identity too: React Flow then skips re-reading its edges.
    if (changed) edgeCache.current = out;
    return edgeCache.current;
  }, [flow, selectedEdges, running, firing, now, tracePath]);

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
  const minimapShown = useRef(showMinimap);
  minimapShown.current = showMinimap;

  // A fresh document is fitted from its cards' known sizes (FirstFit) before its first paint; a
  // fit asked for later (the command, a layout) animates over the measured cards. Performance
  // marks (here and in FirstFit) let the scale test time the first render and the fit view.
  const initialized = useMemo(() => flow.nodes.every((n) => measured[n.id] !== undefined), [flow.nodes, measured]);
  const pendingFit = useRef(0);
  const firstFit = useRef<Padding | null>(null);
  useLayoutEffect(() => {
    pendingFit.current = fitViewSeq;
  }, [fitViewSeq]);
  const onFirstFit = useCallback(() => {
    pendingFit.current = 0;
  }, []);
  useLayoutEffect(() => {
    if (pendingFit.current === 0) return;
    // An empty document has nothing to fit: fitting later, on the first drop, would zoom the view
    // around that one node and the next drop "to its right" would land on it.
    if (nodes.length === 0) {
      pendingFit.current = 0;
      firstFit.current = null;
      return;
    }
    // Keep the fitted nodes out of the minimap's corner (its height plus margins at the bottom).
    const padding: Padding = showMinimap ? { x: '6%', top: '6%', bottom: `${MINIMAP.height + MINIMAP.margin * 2}px` } : 0.15;
    if (!initialized) {
      firstFit.current = padding;
      return;
    }
    pendingFit.current = 0;
    firstFit.current = null;
    const duration = nodes.length > 200 ? 0 : 200;
    const pane = host.current?.getBoundingClientRect();
    if (fitReadable && pane && pane.width > 0) {
      const bounds = getNodesBounds(rf.getNodes());
      const fitted = getViewportForBounds(bounds, pane.width, pane.height, 0.02, FIT_MAX_ZOOM, padding);
      if (fitted.zoom < READABLE_ZOOM) {
        // Too large to read when fitted: readable, from the start of the flow; it pans for the rest.
        const zoom = READABLE_ZOOM;
        const room = pane.height - (showMinimap ? MINIMAP.height + MINIMAP.margin * 2 : READABLE_MARGIN);
        const y = bounds.height * zoom <= room - READABLE_MARGIN ? (room - bounds.height * zoom) / 2 - bounds.y * zoom : READABLE_MARGIN - bounds.y * zoom;
        void rf.setViewport({ x: READABLE_MARGIN - bounds.x * zoom, y, zoom }, { duration }).then(() => performance.mark('wsflow:fit-view'));
        return;
      }
    }
    void rf.fitView({ padding, maxZoom: FIT_MAX_ZOOM, duration }).then(() => performance.mark('wsflow:fit-view'));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fitViewSeq, initialized, nodes.length > 0]);

  // Find: centre the picked node, zoomed in to a readable size if the view was further out.
  const centerOn = useStudio((s) => s.centerOn);
  useEffect(() => {
    if (!centerOn) return;
    const node = rf.getInternalNode(centerOn.id);
    if (!node) return;
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured.width ?? 0;
    const height = node.measured.height ?? 0;
    void rf.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(rf.getZoom(), READABLE_ZOOM), duration: 200 });
  }, [centerOn, rf]);

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

  const onContextMenu = useCallback(
    (event: ReactMouseEvent | MouseEvent, target: 'node' | 'edge' | 'canvas', select?: () => void) => {
      event.preventDefault();
      select?.();
      const flowAt = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      useStudio.getState().set({ overlay: 'contextMenu', contextMenu: { x: event.clientX, y: event.clientY, flow: flowAt, target } });
    },
    [rf],
  );
  const services = useServices();
  // A component card opens its file (docs/components.md, "Open component").
  const onNodeDoubleClick = useCallback(
    (_event: ReactMouseEvent, card: CardNode) => {
      const node = useStudio.getState().flow.nodes.find((n) => n.id === card.id);
      if (node?.type === 'component' && typeof node.ref === 'string') void services.openComponent(node.ref);
    },
    [services],
  );
  const onNodeContextMenu = useCallback(
    (event: ReactMouseEvent, node: CardNode) => onContextMenu(event, 'node', () => !useStudio.getState().selectedNodes.includes(node.id) && useStudio.getState().select([node.id])),
    [onContextMenu],
  );
  const onEdgeContextMenu = useCallback((event: ReactMouseEvent, edge: Edge) => onContextMenu(event, 'edge', () => useStudio.getState().select([], [edge.id])), [onContextMenu]);
  const onPaneContextMenu = useCallback((event: ReactMouseEvent | MouseEvent) => onContextMenu(event, 'canvas'), [onContextMenu]);

  // Past this size, skip rendering what is off screen (measured flows keep their sizes).
  const huge = flow.nodes.length > 1500;
  // Many cards: drop their soft shadows, which software painting pays for on every frame.
  const many = flow.nodes.length > 200;
  return (
    <div className={many ? 'canvas canvas--many' : 'canvas'} data-testid="canvas" ref={host} onDragOver={onDragOver} onDrop={onDrop}>
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
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        colorMode={theme}
        onlyRenderVisibleElements={huge}
        minZoom={0.02}
        maxZoom={2}
        proOptions={PRO_OPTIONS}
        defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
        onNodeContextMenu={onNodeContextMenu}
        onNodeDoubleClick={onNodeDoubleClick}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        ariaLabelConfig={ARIA_LABELS}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} />
        {showMinimap && (
          <MiniMap pannable zoomable ariaLabel="Minimap" style={MINIMAP_STYLE} nodeBorderRadius={6} nodeClassName={minimapNodeClass} />
        )}
        <Controls showInteractive={false} />
        <ConnectionHint />
        <FirstFit request={firstFit} onFitted={onFirstFit} />
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
