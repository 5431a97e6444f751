/**
 * Fitting the view: a fresh document is fitted from its cards' known sizes (FirstFit) before its
 * first paint; a fit asked for later (the command, a layout) animates over the measured cards;
 * Find centres the picked node. Performance marks let the scale test time the first render and
 * the fit view.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import { getNodesBounds, getViewportForBounds, useReactFlow, useStore, useStoreApi, type FitViewOptions } from '@xyflow/react';
import { useStudio } from '../store.ts';

type Padding = NonNullable<FitViewOptions['padding']>;

/** The minimap's box (px) and its margin: fitting the view keeps nodes out of that corner. */
export const MINIMAP = { width: 150, height: 100, margin: 15 };
/** A fitted view never zooms in past this, however few the nodes. */
const FIT_MAX_ZOOM = 1.2;
/**
 * Auto layout fits no further out than this: the cards' smallest text (11 px) stays about 8 px.
 * A flow that is larger is shown from its start (top-left) and panned to see the rest.
 */
const READABLE_ZOOM = 0.75;
const READABLE_MARGIN = 24;

/**
 * Fits a fresh document in the layout phase of the commit in which React Flow first holds its
 * nodes (sized from card-geometry.ts), so the first paint of the cards is the fitted one. Marks
 * `wsflow:nodes-rendered` when the first cards are in the page.
 */
export function FirstFit({ request, onFitted }: { request: RefObject<Padding | null>; onFitted: () => void }) {
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

/**
 * Runs the fits the store asks for (`fitViewSeq`, `fitReadable`) and Find's `centerOn`. Returns
 * what <FirstFit> inside <ReactFlow> needs.
 */
export function useFitView(host: RefObject<HTMLDivElement | null>, nodeCount: number, showMinimap: boolean) {
  const flowNodes = useStudio((s) => s.flow.nodes);
  const measured = useStudio((s) => s.measured);
  const fitViewSeq = useStudio((s) => s.fitViewSeq);
  const fitReadable = useStudio((s) => s.fitReadable);
  const centerOn = useStudio((s) => s.centerOn);
  const rf = useReactFlow();
  const initialized = useMemo(() => flowNodes.every((n) => measured[n.id] !== undefined), [flowNodes, measured]);
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
    if (nodeCount === 0) {
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
    const duration = nodeCount > 200 ? 0 : 200;
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
  }, [fitViewSeq, initialized, nodeCount > 0]);

  // Find: centre the picked node, zoomed in to a readable size if the view was further out.
  useEffect(() => {
    if (!centerOn) return;
    const node = rf.getInternalNode(centerOn.id);
    if (!node) return;
    const { x, y } = node.internals.positionAbsolute;
    const width = node.measured.width ?? 0;
    const height = node.measured.height ?? 0;
    void rf.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(rf.getZoom(), READABLE_ZOOM), duration: 200 });
  }, [centerOn, rf]);

  return { firstFit, onFirstFit };
}
