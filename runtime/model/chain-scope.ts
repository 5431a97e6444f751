/**
 * Chains of action nodes: where they start, what their steps' ports are, and the names their
 * expressions see. The steps themselves are node kinds (runtime/model/kinds/): their fields,
 * ports, checks and generated code live there, one module per kind.
 */
import type { ChainEvent } from './node-kind.ts';

export { CHAIN_EVENTS, NEXT, type ChainEvent, type FieldKind, type KindField } from './node-kind.ts';
export { eventsOf, isBranching, portsOf } from './registry.ts';

/** The names an expression of a chain may use, per event (for docs, completions and checks). */
export const CHAIN_SCOPE: Readonly<Record<ChainEvent, readonly string[]>> = {
  upgrader: ['req', 'conn', 'ctx', 'vars'],
  onOpen: ['conn', 'ctx', 'vars'],
  onText: ['conn', 'ctx', 'text', 'json', 'vars'],
  onBinary: ['conn', 'ctx', 'data', 'vars'],
  onClose: ['conn', 'ctx', 'code', 'reason', 'vars'],
  onError: ['conn', 'ctx', 'error', 'vars'],
};
