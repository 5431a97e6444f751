/** Channels (docs/channels.md) in asyncapi.yaml: each declared channel with the envelope's schema, parser-valid in 2.6 and 3.0. */
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { asyncApiYaml } from '../../runtime/export/asyncapi.ts';
import { planExport } from '../../runtime/export/plan.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { loadSample } from './fixtures.ts';

const parser = new Parser();
type Json = Record<string, any>;

async function errorsOf(text: string): Promise<string[]> {
  const diagnostics = await parser.validate(text);
  return diagnostics.filter((d) => (d.severity as number) === 0).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

/** The rooms sample plus a presence channel, to see both message kinds. */
function roomsWithPresence(): FlowDocument {
  const flow = loadSample('rooms');
  const service = flow.nodes.find((n) => n.id === 'rooms') as Json;
  service.channels.push({ name: 'lobby', history: { size: 10, ttlSeconds: 60 }, presence: true });
  return flow;
}

const ENVELOPE = {
  type: 'object',
  required: ['channel', 'offset', 'data'],
  additionalProperties: false,
  properties: {
    channel: { type: 'string', pattern: '^room:[A-Za-z0-9_.@=-]+$', description: 'A concrete name of room:{room}.' },
    offset: { type: 'integer', minimum: 1 },
    data: { description: 'The published value (any JSON).' },
  },
};

describe('asyncapi.yaml lists channels', () => {
  for (const version of ['2.6', '3.0'] as const) {
    it(`rooms (${version}) validates with zero parser errors, with and without presence`, async () => {
      expect(await errorsOf(asyncApiYaml(planExport(loadSample('rooms')), version))).toEqual([]);
      expect(await errorsOf(asyncApiYaml(planExport(roomsWithPresence()), version))).toEqual([]);
    });
  }

  it('2.6: the envelope of each channel is a message the service sends, and the declarations are x-wsflow-channels', () => {
    const doc = parse(asyncApiYaml(planExport(roomsWithPresence()), '2.6')) as Json;
    const rooms = doc.channels['/rooms/{room}'];
    expect(rooms.subscribe.message.oneOf).toEqual(
      expect.arrayContaining([{ $ref: '#/components/messages/rooms.channel.room_room' }, { $ref: '#/components/messages/rooms.channel.lobby' }, { $ref: '#/components/messages/rooms.presence.lobby' }]),
    );
    expect(doc.components.messages['rooms.channel.room_room'].payload).toEqual(ENVELOPE);
    expect(doc.components.messages['rooms.presence.lobby'].payload.properties.presence).toEqual({ type: 'string', enum: ['join', 'leave'] });
    expect(rooms['x-wsflow-channels']).toEqual([
      { service: 'rooms', name: 'room:{room}', history: { size: 100 }, presence: false },
      { service: 'rooms', name: 'lobby', history: { size: 10, ttlSeconds: 60 }, presence: true },
    ]);
  });

  it('3.0: the envelopes are messages of the channel and of its send operation', async () => {
    const text = asyncApiYaml(planExport(loadSample('rooms')), '3.0');
    const doc = parse(text) as Json;
    const [id, channel] = Object.entries(doc.channels as Record<string, Json>)[0] ?? [];
    expect(channel?.messages['rooms.channel.room_room']).toEqual({ $ref: '#/components/messages/rooms.channel.room_room' });
    expect(doc.operations[`${id}Send`].messages).toContainEqual({ $ref: `#/channels/${id}/messages/rooms.channel.room_room` });
    const parsed = await parser.parse(text);
    const names = parsed.document?.messages().all().map((m) => m.name());
    expect(names).toContain('channel room:{room}');
  });
});
