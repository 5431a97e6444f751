/**
 * The canvas's edges, derived from the flow document, the selection, the live run and the trace
 * path. An unchanged edge (and an unchanged list) keeps its identity so React Flow skips it.
 */
import { useMemo, useRef } from 'react';
import type { Edge } from '@xyflow/react';
import { chainOwners } from '../lowcode/chain-ops.ts';
import { edgeKey } from '../model/flow-ops.ts';
import { onPath } from '../panels/trace-rows.ts';
import { useStudio } from '../store.ts';
import { FIRING_MS } from './use-card-nodes.ts';

export function useCardEdges(now: number): Edge[] {
  const flow = useStudio((s) => s.flow);
  const selectedEdges = useStudio((s) => s.selectedEdges);
  const tracePath = useStudio((s) => s.tracePath);
  const firing = useStudio((s) => s.firing);
  const running = useStudio((s) => !!s.run);
  const edgeCache = useRef<Edge[]>([]);
  return useMemo<Edge[]>(() => {
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
        // No label: the card names the port on the row the edge leaves from (ActionCard.tsx); a
        // label on a short edge covered the port names and the cards beside it.
        ...(e.port ? { sourceHandle: e.port } : {}),
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
}
