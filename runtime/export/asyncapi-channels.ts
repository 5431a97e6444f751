/**
 * The channels a service declares (docs/channels.md), in AsyncAPI: one outgoing message per
 * channel with the delivery envelope's schema (and one for presence events when it has them),
 * and the declarations themselves as `x-wsflow-channels` on the WebSocket channel.
 */
import type { ChannelDecl } from '../model/channels.ts';
import { placeholderNames } from '../model/channels.ts';
import type { FlowDocument, ServiceNode } from '../model/types.ts';
import type { ChannelPlan, MessagePlan } from './plan.ts';

type Json = Record<string, unknown>;

function declsOf(channel: ChannelPlan, flow: FlowDocument): { service: string; decl: ChannelDecl }[] {
  const out: { service: string; decl: ChannelDecl }[] = [];
  for (const service of channel.services) {
    const node = flow.nodes.find((n) => n.id === service.id && n.type === 'service') as ServiceNode | undefined;
    for (const decl of node?.channels ?? []) out.push({ service: service.id, decl });
  }
  return out;
}

/** `room:{room}` -> `room_room`: an AsyncAPI-safe component key part. */
const keyPart = (name: string) => name.replace(/[{}]/g, '').replace(/[^A-Za-z0-9_-]+/g, '_');

/** The concrete names a template stands for, as a pattern (`room:{room}` -> `^room:[A-Za-z0-9_.@=-]+$`). */
function namePattern(template: string): string {
  let pattern = template.replace(/[.*+?^$()|[\]\\/]/g, '\\$&');
  for (const name of placeholderNames(template)) pattern = pattern.replace(`{${name}}`, '[A-Za-z0-9_.@=-]+');
  return `^${pattern}$`;
}

/** Envelope (and presence) messages of the channels behind one WebSocket channel. */
export function channelEnvelopes(channel: ChannelPlan, flow: FlowDocument): MessagePlan[] {
  const out: MessagePlan[] = [];
  for (const { service, decl } of declsOf(channel, flow)) {
    const name = { type: 'string', pattern: namePattern(decl.name), description: `A concrete name of ${decl.name}.` };
    const history = decl.history?.size ? ` The last ${decl.history.size} messages${decl.history.ttlSeconds ? ` (at most ${decl.history.ttlSeconds} s old)` : ''} are kept: a client reconnecting with its last offset gets what it missed.` : '';
    // One JSON envelope of the channel: `what` names it (channel, presence), `properties` its fields, all required.
    const envelope = (what: string, title: string, description: string, properties: Record<string, Json>): MessagePlan => ({
      key: `${service}.${what}.${keyPart(decl.name)}`,
      implicit: false,
      spec: {
        name: `${what} ${decl.name}`,
        title,
        description,
        contentType: 'application/json',
        schema: { type: 'object', required: Object.keys(properties), additionalProperties: false, properties },
      },
    });
    out.push(
      envelope('channel', `Message on channel ${decl.name}`, `One message published on ${decl.name}; offsets increase strictly per channel, across every instance.${history}`, {
        channel: name,
        offset: { type: 'integer', minimum: 1 },
        data: { description: 'The published value (any JSON).' },
      }),
    );
    if (decl.presence) {
      out.push(envelope('presence', `Presence on channel ${decl.name}`, `A member joined or left ${decl.name}.`, { channel: name, presence: { type: 'string', enum: ['join', 'leave'] }, member: { type: 'string' } }));
    }
  }
  return out;
}

/** `x-wsflow-channels` of a WebSocket channel, or undefined when its services declare none. */
export function channelsExtension(channel: ChannelPlan, flow: FlowDocument): Json[] | undefined {
  const decls = declsOf(channel, flow);
  if (decls.length === 0) return undefined;
  return decls.map(({ service, decl }) => ({ service, name: decl.name, ...(decl.history ? { history: { ...decl.history } } : {}), presence: decl.presence === true }));
}
