/**
 * Inspector section of a service node: the channels it declares (docs/channels.md), each with its
 * name template, history (size, TTL) and presence. Edits are node patches through the inspector's
 * setter (undo history, dirty mark); problems on `channels.N.*` show under their channel.
 */
import type { Problem, ServiceNode } from '../../../runtime/model/types.ts';
import { addChannel, channelsOf, removeChannel, updateChannel } from '../model/channels.ts';
import { NumberInput, TextInput } from './fields.tsx';

type Setter = (patch: Record<string, unknown>, key: string) => void;

export function ChannelsEditor({ node, problems, set }: { node: ServiceNode; problems: Problem[]; set: Setter }) {
  const list = channelsOf(node);
  const errorAt = (index: number) => problems.find((p) => p.severity === 'error' && p.nodeId === node.id && p.field !== undefined && (p.field === `channels.${index}` || p.field.startsWith(`channels.${index}.`)))?.message;
  return (
    <div className="field" data-testid="channels">
      <span className="field__label">Channels (subscribe, publish, recover)</span>
      {list.map((channel, index) => {
        const edit = (change: Parameters<typeof updateChannel>[2], field: string) => set(updateChannel(node, index, change), `channels.${index}.${field}`);
        const error = errorAt(index);
        return (
          <div className="msg-card" key={index} data-testid={`channel-${index}`}>
            <div className="msg-card__head">
              <TextInput value={channel.name} onChange={(v) => edit({ name: v }, 'name')} placeholder="room:{room}" testId={`channel-name-${index}`} mono />
              <button className="btn btn--ghost btn--small" aria-label={`Remove channel ${channel.name}`} data-testid={`channel-remove-${index}`} onClick={() => set(removeChannel(node, index), 'channels.remove')}>
                ✕
              </button>
            </div>
            <div className="field-row">
              <label className="field">
                <span className="field__label">History (messages)</span>
                <NumberInput value={channel.history?.size} onChange={(v) => edit({ size: v }, 'size')} placeholder="0 = none" testId={`channel-size-${index}`} />
              </label>
              <label className="field">
                <span className="field__label">Keep for (s)</span>
                <NumberInput value={channel.history?.ttlSeconds} onChange={(v) => edit({ ttlSeconds: v }, 'ttlSeconds')} placeholder="no limit" testId={`channel-ttl-${index}`} />
              </label>
            </div>
            <label className="check">
              <input type="checkbox" checked={channel.presence === true} data-testid={`channel-presence-${index}`} onChange={(e) => edit({ presence: e.target.checked }, 'presence')} />
              Presence (join and leave events)
            </label>
            {error && <span className="field__error" role="alert">{error}</span>}
          </div>
        );
      })}
      <span className="field__hint">{'`{x}` in a name is filled from the path, query or attributes of the connection.'}</span>
      <button className="btn btn--ghost btn--small" data-testid="channel-add" onClick={() => set(addChannel(node), 'channels.add')}>
        + Add channel
      </button>
    </div>
  );
}
