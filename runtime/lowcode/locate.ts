/**
 * Where in the flow a position of a chain's generated code comes from: the field value of an
 * action node (with line and column inside the value), else the action node whose code it is,
 * else the event node that owns the chain.
 */
import { lineCol, rawOffset } from './builder.ts';
import type { CompiledChain } from './compile.ts';

export interface ChainLocation {
  nodeId: string;
  nodeIndex: number;
  /** The field the position lies in; `type` when it is code the compiler wrote around fields. */
  field: string;
  /** 1-based line and column inside the field value, when the position lies in one. */
  inner?: { line: number; col: number };
}

export function locateInChain(chain: CompiledChain, offset: number): ChainLocation {
  const segment = chain.segments.find((s) => offset >= s.start && offset <= s.end);
  if (segment) {
    return { nodeId: segment.nodeId, nodeIndex: segment.nodeIndex, field: segment.field, inner: lineCol(segment.raw, rawOffset(segment, offset)) };
  }
  let best: CompiledChain['spans'][number] | undefined;
  for (const span of chain.spans) {
    if (offset >= span.start && offset < span.end && (!best || span.end - span.start < best.end - best.start)) best = span;
  }
  if (best) return { nodeId: best.nodeId, nodeIndex: best.nodeIndex, field: 'type' };
  return { nodeId: chain.eventId, nodeIndex: chain.eventIndex, field: 'id' };
}
