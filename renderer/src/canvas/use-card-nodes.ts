/**
 * The canvas's nodes, derived from the flow document and the UI state (selection, problems,
 * runtime errors, the trace path, firing). Unchanged cards keep their object so React Flow and the
 * memoised cards skip them.
 */
import { useMemo, useRef } from 'react';
import type { FlowNode, Problem } from '../../../runtime/model/types.ts';
import { chainOwners } from '../lowcode/chain-ops.ts';
import { useStudio, type StudioState } from '../store.ts';
import { cardFamily, cardHandles, cardSize } from './card-geometry.ts';
import type { CardData, CardNode } from './FlowNodes.tsx';

/** How long (ms) a node glows after it fired in a live run. */
export const FIRING_MS = 1500;

/** "handler on-text (onText), 1 error": what a screen reader announces for a node. */
function nodeName(node: FlowNode, errors: number, warnings: number, hint: boolean): string {
  const kind = node.type === 'upgrader' || node.type === 'service' ? node.type : `${node.type} handler`;
  const label = node.label ? `${node.label} (${node.id})` : node.id;
  const issues = hint ? ', not finished yet' : errors ? `, ${errors} ${errors === 1 ? 'error' : 'errors'}` : warnings ? `, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}` : '';
  return `${kind} ${label}${node.disabled === true ? ', disabled' : ''}${issues}`;
}

/** Until React Flow has measured a card, its known size and handles (see card-geometry.ts). */
function firstSize(node: FlowNode): Pick<CardNode, 'initialWidth' | 'initialHeight' | 'handles'> {
  const size = cardSize(node);
  return { initialWidth: size.width, initialHeight: size.height, handles: cardHandles(node, size) };
}

interface NodeIssues {
  errors: number;
  warnings: number;
  first?: string;
  runtime?: boolean;
}

/** Problems and runtime errors counted per node, with the first message for the badge's title. */
function issuesByNode(problems: readonly Problem[], runtimeErrors: StudioState['runtimeErrors']): Map<string, NodeIssues> {
  const byNode = new Map<string, NodeIssues>();
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
  return byNode;
}

/** The cards React Flow draws; `now` is the run clock (use-run-clock.ts) that ends a glow. */
export function useCardNodes(now: number): CardNode[] {
  const flow = useStudio((s) => s.flow);
  const selectedNodes = useStudio((s) => s.selectedNodes);
  const measured = useStudio((s) => s.measured);
  const problems = useStudio((s) => s.problems);
  const runtimeErrors = useStudio((s) => s.runtimeErrors);
  const tracePath = useStudio((s) => s.tracePath);
  const freshNode = useStudio((s) => s.freshNode);
  const firing = useStudio((s) => s.firing);
  const running = useStudio((s) => !!s.run);
  const cache = useRef(new Map<string, CardNode>());

  return useMemo(() => {
    const selected = new Set(selectedNodes);
    const byNode = issuesByNode(problems, runtimeErrors);
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
      const card: CardNode = { id: node.id, type: cardFamily(node.type), position, data, ariaLabel, selected: isSelected, ...(className ? { className } : {}), ...(size ? { measured: size } : firstSize(node)) };
      next.set(node.id, card);
      return card;
    });
    cache.current = next;
    return out;
  }, [flow, selectedNodes, problems, runtimeErrors, tracePath, freshNode, firing, running, now, measured]);
}
