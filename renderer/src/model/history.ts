/**
 * Undo/redo of MODEL changes (flow documents), not of UI or runtime state. Entries are whole
 * documents shared by reference (edits copy only what they touch), so an entry costs little.
 *
 * Bursts of one kind of edit (typing in a field, dragging a node) coalesce into one entry when
 * they share a `coalesce` key and follow each other within COALESCE_MS.
 */
import type { FlowDocument } from '../../../runtime/model/types.ts';

const COALESCE_MS = 1000;
const LIMIT = 200;

export interface History {
  past: FlowDocument[];
  future: FlowDocument[];
  /** Key and time of the last recorded change, for coalescing. */
  lastKey?: string;
  lastAt?: number;
}

export const emptyHistory = (): History => ({ past: [], future: [] });

/** Record that `before` was replaced by a new document. */
export function record(history: History, before: FlowDocument, options: { coalesce?: string; now?: number } = {}): History {
  const now = options.now ?? Date.now();
  const merge =
    options.coalesce !== undefined &&
    options.coalesce === history.lastKey &&
    history.lastAt !== undefined &&
    now - history.lastAt < COALESCE_MS &&
    history.past.length > 0;
  const past = merge ? history.past : [...history.past, before].slice(-LIMIT);
  const next: History = { past, future: [], lastAt: now };
  if (options.coalesce !== undefined) next.lastKey = options.coalesce;
  return next;
}

export function undo(history: History, current: FlowDocument): { history: History; flow: FlowDocument } | undefined {
  const previous = history.past[history.past.length - 1];
  if (!previous) return undefined;
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future] }, flow: previous };
}

export function redo(history: History, current: FlowDocument): { history: History; flow: FlowDocument } | undefined {
  const next = history.future[0];
  if (!next) return undefined;
  return { history: { past: [...history.past, current], future: history.future.slice(1) }, flow: next };
}
