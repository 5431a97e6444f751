/**
 * Palette entries: every node kind of the registry, grouped and described by its definition. A
 * function, not a list: the flow's package kinds join the registry when the studio reports them.
 */
import { KINDS } from '../../../runtime/model/registry.ts';
import type { NodeType } from '../../../runtime/model/types.ts';

export interface PaletteItem {
  type: NodeType;
  label: string;
  hint: string;
  group: string;
  icon: string;
  /** The card family, for the palette item's colour. */
  category: string;
}

export function paletteItems(): PaletteItem[] {
  return KINDS.map((kind) => ({
    type: kind.id as NodeType,
    label: kind.title,
    hint: kind.help.replace(/`/g, ''),
    group: kind.group,
    icon: kind.icon,
    category: kind.category,
  }));
}
