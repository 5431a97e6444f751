/** asyncapi.yaml against the real @asyncapi/parser and the rules of docs/export.md, for every sample. */
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { asyncApiYaml } from '../../runtime/export/asyncapi.ts';
import { planExport } from '../../runtime/export/plan.ts';
import { loadSample, SAMPLES, variant } from './fixtures.ts';

const parser = new Parser();

async function errorsOf(text: string): Promise<string[]> {
  const diagnostics = await parser.validate(text);
  return diagnostics.filter((d) => (d.severity as number) === 0 /* DiagnosticSeverity.Error */).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`);
}

type Json = Record<string, any>;

describe('asyncapi.yaml', () => {
  for (const sample of SAMPLES) {
    for (const version of ['2.6', '3.0'] as const) {
      it(`${sample} (${version}) validates with zero parser errors`, async () => {
        const text = asyncApiYaml(planExport(loadSample(sample)), version);
        expect(await errorsOf(text)).toEqual([]);
      });
    }
  }

  for (const [sample, server, protocol] of [['mqtt-bridge', 'mosquitto', 'mqtt'], ['nats-bridge', 'nats', 'nats'], ['amqp-bridge', 'rabbitmq', 'amqp']] as const) {
    for (const version of ['2.6', '3.0'] as const) {
      it(`${sample} (${version}): its broker is a server beside the WebSocket one, the channels stay on the latter; zero parser errors`, async () => {
        const text = asyncApiYaml(planExport(loadSample(sample)), version);
        expect(await errorsOf(text)).toEqual([]);
        const doc = parse(text) as Json;
        expect(Object.keys(doc.servers as Json)).toEqual(['local', server]);
        expect(doc.servers[server]).toMatchObject({ protocol, [version === '3.0' ? 'host' : 'url']: expect.stringMatching(new RegExp(`^${server}:\\d+$`)) });
        for (const channel of Object.values(doc.channels as Json)) {
          expect((channel as Json).servers).toEqual(version === '3.0' ? [{ $ref: '#/servers/local' }] : ['local']);
        }
      });
    }
  }

  it('a broken document does produce parser errors (the check can fail)', async () => {
    const text = asyncApiYaml(planExport(loadSample('chat')), '2.6').replace('  /chat/{name}:\n    parameters:', '  /chat/{name}:\n    parametrs:');
    expect((await errorsOf(text)).length).toBeGreaterThan(0);
  });

  it('2.6: one channel per upgrade path with parameters, ws bindings and both directions', async () => {
    const doc = parse(asyncApiYaml(planExport(loadSample('notifications')), '2.6')) as Json;
    expect(doc.asyncapi).toBe('2.6.0');
    expect(doc.info).toMatchObject({ title: 'Notifications API', version: '1.0.0' });
    expect(doc.servers.local).toEqual(expect.objectContaining({ url: 'localhost:9099', protocol: 'ws' }));
    expect(Object.keys(doc.channels)).toEqual(['/websocket/notifications', '/websocket/rooms/{room}']);
    const rooms = doc.channels['/websocket/rooms/{room}'];
    expect(Object.keys(rooms.parameters)).toEqual(['room']);
    expect(rooms.parameters.room.schema).toEqual({ type: 'string' });
    expect(rooms.bindings.ws).toMatchObject({
      bindingVersion: '0.1.0',
      query: { type: 'object', properties: { user: { type: 'string' } }, required: ['user'] },
    });
    // publish = what clients send, subscribe = what the service sends
    expect(rooms.publish.message).toEqual({ $ref: '#/components/messages/RoomText' });
    expect(rooms.subscribe.message).toEqual({ $ref: '#/components/messages/RoomEvent' });
    const notifications = doc.channels['/websocket/notifications'];
    expect(notifications.parameters).toBeUndefined();
    expect(notifications.subscribe.message.oneOf).toEqual([
      { $ref: '#/components/messages/Welcome' },
      { $ref: '#/components/messages/Notification' },
    ]);
    expect(doc.components.messages.Publish.payload.required).toEqual(['type', 'title']);
    expect(doc.components.messages.RoomText).toMatchObject({ contentType: 'text/plain', payload: { type: 'string' } });
  });

  it('2.6: query parameters never appear in the channel name; the chat sample has /chat/{name} with age in bindings', () => {
    const doc = parse(asyncApiYaml(planExport(loadSample('chat')), '2.6')) as Json;
    expect(Object.keys(doc.channels)).toEqual(['/chat/{name}']);
    expect(doc.channels['/chat/{name}'].bindings.ws.query.properties.age).toMatchObject({ type: 'integer' });
    expect(doc.channels['/chat/{name}'].bindings.ws.query.required).toBeUndefined();
  });

  it('text messages without declared shapes become a string payload', async () => {
    const flow = variant('echo', (f) => {
      for (const n of f.nodes) if (n.type === 'service') delete n.messages;
    });
    const text = asyncApiYaml(planExport(flow), '2.6');
    expect(await errorsOf(text)).toEqual([]);
    const doc = parse(text) as Json;
    expect(doc.channels['/chat'].publish.message).toEqual({ $ref: '#/components/messages/Text' });
    expect(doc.components.messages.Text).toMatchObject({ contentType: 'text/plain', payload: { type: 'string' } });
  });

  it('headers go into bindings.ws.headers', async () => {
    const flow = variant('echo', (f) => {
      const up = f.nodes.find((n) => n.type === 'upgrader') as Json;
      up.headers = { 'x-api-key': { type: 'string', required: true } };
    });
    const text = asyncApiYaml(planExport(flow), '2.6');
    expect(await errorsOf(text)).toEqual([]);
    expect((parse(text) as Json).channels['/chat'].bindings.ws.headers).toEqual({
      type: 'object',
      properties: { 'x-api-key': { type: 'string' } },
      required: ['x-api-key'],
    });
  });

  it('3.0: channels with address, operations with send/receive, components.messages', async () => {
    const text = asyncApiYaml(planExport(loadSample('notifications')), '3.0');
    const doc = parse(text) as Json;
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.servers.local).toMatchObject({ host: 'localhost:9099', protocol: 'ws' });
    const addresses = Object.values(doc.channels as Record<string, Json>).map((c) => c.address);
    expect(addresses).toEqual(['/websocket/notifications', '/websocket/rooms/{room}']);
    const actions = Object.values(doc.operations as Record<string, Json>).map((o) => `${o.channel.$ref} ${o.action}`);
    expect(actions.sort()).toEqual([
      '#/channels/websocketNotifications receive',
      '#/channels/websocketNotifications send',
      '#/channels/websocketRoomsRoom receive',
      '#/channels/websocketRoomsRoom send',
    ]);
    const parsed = await parser.parse(text);
    expect(parsed.document).toBeDefined();
    const rooms = parsed.document!.channels().all().find((c) => c.address() === '/websocket/rooms/{room}');
    expect(rooms?.parameters().all().map((p) => p.id())).toEqual(['room']);
    expect(Object.keys(doc.components.messages).sort()).toEqual(['Notification', 'Publish', 'RoomEvent', 'RoomText', 'Welcome']);
  });

  it('two upgraders in front of one service: both channels carry its messages, and both versions validate', async () => {
    const flow = variant('echo', (f) => {
      f.nodes.push({ id: 'legacy', type: 'upgrader', basePath: '/legacy', upgradePath: '/{room}' });
      f.edges.push({ from: 'legacy', to: 'echo' });
    });
    for (const version of ['2.6', '3.0'] as const) {
      const text = asyncApiYaml(planExport(flow), version);
      expect(await errorsOf(text)).toEqual([]);
    }
    const doc = parse(asyncApiYaml(planExport(flow), '2.6')) as Json;
    expect(Object.keys(doc.channels)).toEqual(['/chat', '/legacy/{room}']);
    expect(doc.channels['/legacy/{room}'].publish.message).toEqual(doc.channels['/chat'].publish.message);
  });

  it('the same message name with different shapes in two services is not merged', async () => {
    const flow = variant('notifications', (f) => {
      const rooms = f.nodes.find((n) => n.id === 'rooms') as Json;
      rooms.messages.incoming[0].name = 'Publish';
    });
    const text = asyncApiYaml(planExport(flow), '2.6');
    expect(await errorsOf(text)).toEqual([]);
    const keys = Object.keys((parse(text) as Json).components.messages);
    expect(keys).toContain('notifications.Publish');
    expect(keys).toContain('rooms.Publish');
  });

  it('the Choreo sample serves any path: one /* channel', async () => {
    const doc = parse(asyncApiYaml(planExport(loadSample('choreo-chat')), '2.6')) as Json;
    expect(Object.keys(doc.channels)).toEqual(['/*']);
  });
});
