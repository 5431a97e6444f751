/**
 * What a chain step compiles to is its kind's `emit` (runtime/model/kinds/); this module is the
 * compiler's view of it.
 */
import { kindFor, type ActionType } from '../model/registry.ts';
import type { EmitContext } from '../model/node-kind.ts';

export type { EmitContext } from '../model/node-kind.ts';

export interface Emitter {
  emit: (e: EmitContext) => void;
  /** True when this node needs `await` (then the whole handler is async). */
  isAsync?: (raw: Readonly<Record<string, unknown>>) => boolean;
}

export function emitterOf(type: ActionType): Emitter {
  const kind = kindFor(type);
  return {
    emit: kind.emit ?? ((e) => e.line(`// '${type}' compiles to nothing`)),
    isAsync: kind.isAsync,
  };
}
