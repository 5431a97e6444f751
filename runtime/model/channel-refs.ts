/**
 * `subscribe`, `unsubscribe` and `publish` nodes name a channel their service declares
 * (docs/channels.md): a name written out (no `${...}`) that matches none is reported at validate
 * time, on the node's `channel` field, rather than failing at run time (WSF_CHANNEL_UNDECLARED).
 */
import { findDecl, type ChannelDecl } from './channels.ts';
import { isObj } from './is-obj.ts';

type Obj = Readonly<Record<string, unknown>>;
const CHANNEL_KINDS = new Set(['subscribe', 'unsubscribe', 'publish']);

export interface ChannelRefProblem {
  index: number;
  id: string;
  message: string;
}

export function channelRefProblems(rawNodes: readonly unknown[], rawEdges: readonly unknown[]): ChannelRefProblem[] {
  const nodes = new Map<string, { index: number; raw: Obj }>();
  rawNodes.forEach((raw, index) => {
    if (isObj(raw) && typeof raw.id === 'string') nodes.set(raw.id, { index, raw });
  });
  if (![...nodes.values()].some((n) => CHANNEL_KINDS.has(String(n.raw.type)))) return [];
  // Who leads to whom: a channel node's service is the service of the handler its chain starts at.
  const into = new Map<string, string[]>();
  for (const e of rawEdges) {
    if (!isObj(e) || typeof e.from !== 'string' || typeof e.to !== 'string') continue;
    into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
  }
  const servicesOf = (id: string): Set<string> => {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length > 0 && seen.size <= nodes.size) {
      const at = stack.pop() as string;
      if (seen.has(at)) continue;
      seen.add(at);
      for (const from of into.get(at) ?? []) {
        if (nodes.get(from)?.raw.type === 'service') found.add(from);
        else stack.push(from);
      }
    }
    return found;
  };
  const out: ChannelRefProblem[] = [];
  for (const [id, { index, raw }] of nodes) {
    const name = raw.channel;
    if (!CHANNEL_KINDS.has(String(raw.type)) || typeof name !== 'string' || name.includes('${')) continue;
    // `{x}` is filled at run time: any value stands for it here.
    const sample = name.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, 'x');
    for (const service of servicesOf(id)) {
      const decls = (nodes.get(service)?.raw.channels ?? []) as ChannelDecl[];
      if (Array.isArray(decls) && findDecl(decls.filter((d) => isObj(d) && typeof d.name === 'string'), sample)) continue;
      const declared = Array.isArray(decls) && decls.length > 0 ? ` (it declares ${decls.map((d) => `'${String(d.name)}'`).join(', ')})` : '';
      out.push({ index, id, message: `Channel '${name}' of '${id}' is not declared on service '${service}'${declared}; add it under the service's 'channels'.` });
    }
  }
  return out;
}
