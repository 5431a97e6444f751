/**
 * The service inspector's channel list at the store level: the patches ChannelsEditor sends add a
 * channel, edit its history and presence, drop an emptied history, remove it, and undo restores.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceNode } from '../../runtime/model/types.ts';
import { addNode, emptyFlow, newNode, updateNode } from '../../renderer/src/model/flow-ops.ts';
import { addChannel, channelsOf, removeChannel, updateChannel } from '../../renderer/src/model/channels.ts';
import { validateStructure } from '../../runtime/model/validate.ts';
import { useStudio } from '../../renderer/src/store.ts';

const service = (): ServiceNode => useStudio.getState().flow.nodes.find((n) => n.id === 'service') as ServiceNode;
const apply = (patch: Record<string, unknown>, key: string) => useStudio.getState().change((f) => updateNode(f, 'service', patch), { coalesce: `node:service:${key}` });

describe('channel editor through the store', () => {
  it('adds, edits and removes channels; undo restores each step', () => {
    const empty = emptyFlow('c');
    useStudio.getState().loadDocument({ flow: addNode(empty, newNode(empty, 'service', { x: 0, y: 0 })), text: undefined, path: 'c.wsflow.yaml' });

    apply(addChannel(service()), 'channels.add');
    apply(addChannel(service()), 'channels.add2');
    expect(channelsOf(service())).toEqual([
      { name: 'channel', history: { size: 100 } },
      { name: 'channel-2', history: { size: 100 } },
    ]);
    apply(updateChannel(service(), 0, { name: 'room:{room}' }), 'channels.0.name');
    apply(updateChannel(service(), 0, { ttlSeconds: 600 }), 'channels.0.ttlSeconds');
    apply(updateChannel(service(), 0, { presence: true }), 'channels.0.presence');
    expect(channelsOf(service())[0]).toEqual({ name: 'room:{room}', history: { size: 100, ttlSeconds: 600 }, presence: true });
    apply(updateChannel(service(), 1, { size: undefined }), 'channels.1.size');
    expect(channelsOf(service())[1]).toEqual({ name: 'channel-2' });

    apply(removeChannel(service(), 1), 'channels.remove');
    expect(channelsOf(service()).map((c) => c.name)).toEqual(['room:{room}']);
    useStudio.getState().undo();
    expect(channelsOf(service()).map((c) => c.name)).toEqual(['room:{room}', 'channel-2']);
    apply(removeChannel(service(), 1), 'channels.remove');
    apply(removeChannel(service(), 0), 'channels.remove0');
    expect(service().channels).toBeUndefined();
  });

  it('a bad name from the form is a problem on its channel', () => {
    const empty = emptyFlow('c');
    useStudio.getState().loadDocument({ flow: addNode(empty, newNode(empty, 'service', { x: 0, y: 0 })), text: undefined, path: 'c.wsflow.yaml' });
    apply(addChannel(service()), 'channels.add');
    apply(updateChannel(service(), 0, { name: 'room {room}' }), 'channels.0.name');
    const problems = validateStructure(useStudio.getState().flow, () => undefined);
    expect(problems.find((p) => p.code === 'WSF_CHANNEL_INVALID')).toMatchObject({ nodeId: 'service', field: 'channels.0.name' });
  });
});
