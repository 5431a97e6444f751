/**
 * The service inspector's channel list (docs/channels.md) as pure patches: each edit returns
 * `{ channels }` for the inspector's setter, so it lands in undo history like any node edit.
 */
import type { ChannelDecl } from '../../../runtime/model/channels.ts';
import type { ServiceNode } from '../../../runtime/model/types.ts';

type Patch = { channels: ChannelDecl[] | undefined };

const patch = (list: ChannelDecl[]): Patch => ({ channels: list.length > 0 ? list : undefined });

export function channelsOf(node: ServiceNode): ChannelDecl[] {
  return Array.isArray(node.channels) ? node.channels : [];
}

/** A new channel with a name not used yet (`channel`, `channel-2`, ...) and a history of 100. */
export function addChannel(node: ServiceNode): Patch {
  const list = channelsOf(node);
  const used = new Set(list.map((c) => c.name));
  let name = 'channel';
  for (let n = 2; used.has(name); n++) name = `channel-${n}`;
  return patch([...list, { name, history: { size: 100 } }]);
}

export function removeChannel(node: ServiceNode, index: number): Patch {
  return patch(channelsOf(node).filter((_, i) => i !== index));
}

/** `history` fields set to undefined are dropped, and an empty history with them. */
export function updateChannel(node: ServiceNode, index: number, change: { name?: string; size?: number | undefined; ttlSeconds?: number | undefined; presence?: boolean }): Patch {
  return patch(
    channelsOf(node).map((c, i) => {
      if (i !== index) return c;
      const next: ChannelDecl = { ...c };
      if (change.name !== undefined) next.name = change.name;
      if ('size' in change || 'ttlSeconds' in change) {
        const history = { ...c.history };
        if ('size' in change) history.size = change.size;
        if ('ttlSeconds' in change) history.ttlSeconds = change.ttlSeconds;
        const kept = Object.fromEntries(Object.entries(history).filter(([, v]) => v !== undefined));
        if (Object.keys(kept).length > 0) next.history = kept;
        else delete next.history;
      }
      if (change.presence !== undefined) {
        if (change.presence) next.presence = true;
        else delete next.presence;
      }
      return next;
    }),
  );
}
