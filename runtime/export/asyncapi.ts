/**
 * `asyncapi.yaml`: AsyncAPI 2.6.0 (default; what Choreo and API Manager accept) or 3.0.0.
 * One channel per upgrade path, parameters for every template variable, query and headers in
 * the channel's `ws` binding. From the service's point of view, 2.x `publish` is what clients
 * send and `subscribe` what the service sends; in 3.0 those are `receive` and `send`.
 */
import { securitySchemeName, securitySchemes } from './asyncapi-security.ts';
import { localBrokers, type LocalBroker } from './connector-env.ts';
import type { ParamSpec } from '../model/types.ts';
import { channelMessages, type ChannelPlan, type ExportPlan, type MessagePlan } from './plan.ts';
import { toYaml } from './yaml.ts';
import { channelEnvelopes, channelsExtension } from './asyncapi-channels.ts';

export type AsyncApiVersion = '2.6' | '3.0';

type Json = Record<string, unknown>;

function paramsSchema(specs: Record<string, ParamSpec>): Json | undefined {
  const names = Object.keys(specs).sort();
  if (names.length === 0) return undefined;
  const properties: Json = {};
  const required: string[] = [];
  for (const name of names) {
    const spec = specs[name] as ParamSpec;
    const schema: Json = { type: spec.type };
    if (spec.description !== undefined) schema.description = spec.description;
    if (spec.default !== undefined) schema.default = spec.default;
    properties[name] = schema;
    if (spec.required === true) required.push(name);
  }
  const schema: Json = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  return schema;
}

function wsBinding(channel: ChannelPlan): Json | undefined {
  const query = paramsSchema(channel.query);
  const headers = paramsSchema(channel.headers);
  if (!query && !headers) return undefined;
  const ws: Json = { method: 'GET' };
  if (query) ws.query = query;
  if (headers) ws.headers = headers;
  ws.bindingVersion = '0.1.0';
  return { ws };
}

/** The AsyncAPI protocol of a compose broker (its URL scheme), and its version where the spec asks for one. */
function brokerProtocol(broker: LocalBroker): { protocol: string; protocolVersion?: string } {
  const protocol = broker.url.slice(0, broker.url.indexOf(':'));
  return protocol === 'amqp' ? { protocol, protocolVersion: '0.9.1' } : { protocol };
}

/**
 * The brokers the service's connector nodes reach, as servers beside the WebSocket one, at their
 * compose address (the variable says where they really are). NATS and AMQP define no server
 * binding fields (reserved), so none are written. The channels are then pinned to `local`.
 */
function brokerServers(plan: ExportPlan, version: AsyncApiVersion): Json {
  const out: Json = {};
  for (const broker of localBrokers(plan.flow)) {
    const address = broker.url.replace(/^[a-z]+:\/\//, '');
    out[broker.service] = {
      ...(version === '3.0' ? { host: address } : { url: address }),
      ...brokerProtocol(broker),
      description: `The broker the service's connector nodes use, named by ${broker.variable} (docker-compose.yml starts ${broker.image} here).`,
    };
  }
  return out;
}

/** A stable identifier from a path: `/chat/{name}` -> `chatName`, `/` -> `root`. */
export function channelId(channel: ChannelPlan): string {
  const words = channel.address
    .replace(/\*/g, ' any ')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0) return 'root';
  const id = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join('');
  return /^[0-9]/.test(id) ? `c${id}` : id;
}

function messageComponent(message: MessagePlan): Json {
  const spec = message.spec;
  // No 2.x `messageId`: the parser requires it unique per use, and one component is often used by
  // both directions or several channels.
  const out: Json = {};
  out.name = spec.name;
  out.title = spec.title ?? spec.name;
  if (spec.description !== undefined) out.description = spec.description;
  const schema = spec.schema ?? { type: 'string' };
  const isStructured = schema.type === 'object' || schema.type === 'array';
  out.contentType = spec.contentType ?? (isStructured ? 'application/json' : 'text/plain');
  out.payload = structuredClone(schema);
  return out;
}

function info(plan: ExportPlan): Json {
  const flow = plan.flow;
  const out: Json = { title: flow.displayName ?? flow.name, version: flow.version ?? '1.0.0' };
  out.description = flow.description ?? `WebSocket API of ${flow.displayName ?? flow.name}, exported by wsflow.`;
  return out;
}

function messageRef(message: MessagePlan): Json {
  return { $ref: `#/components/messages/${message.key}` };
}

function oneOrMany(messages: MessagePlan[]): Json {
  return messages.length === 1 ? messageRef(messages[0] as MessagePlan) : { oneOf: messages.map(messageRef) };
}

function uniqueIds(plan: ExportPlan): Map<ChannelPlan, string> {
  const ids = new Map<ChannelPlan, string>();
  const used = new Set<string>();
  for (const channel of plan.channels) {
    const base = channelId(channel);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}${n}`;
    used.add(id);
    ids.set(channel, id);
  }
  return ids;
}

function asyncApi2(plan: ExportPlan): Json {
  const ids = uniqueIds(plan);
  const brokers = brokerServers(plan, '2.6');
  const pinned = Object.keys(brokers).length > 0;
  const channels: Json = {};
  for (const channel of plan.channels) {
    const id = ids.get(channel) as string;
    const entry: Json = {};
    if (channel.description) entry.description = channel.description;
    if (channel.params.length > 0) {
      const parameters: Json = {};
      for (const p of channel.params) parameters[p] = { description: `Path segment {${p}} of the upgrade URL.`, schema: { type: 'string' } };
      entry.parameters = parameters;
    }
    const bindings = wsBinding(channel);
    if (bindings) entry.bindings = bindings;
    const incoming = channelMessages(channel, 'incoming');
    const outgoing = [...channelMessages(channel, 'outgoing'), ...channelEnvelopes(channel, plan.flow)];
    if (incoming.length > 0) {
      entry.publish = { operationId: `${id}Publish`, summary: 'Messages clients send to the service.', message: oneOrMany(incoming) };
    }
    if (outgoing.length > 0) {
      entry.subscribe = { operationId: `${id}Subscribe`, summary: 'Messages the service sends to clients.', message: oneOrMany(outgoing) };
    }
    if (channel.auth) {
      const security = [{ [securitySchemeName(channel.auth)]: [] }];
      for (const op of ['publish', 'subscribe']) if (entry[op]) (entry[op] as Json).security = security;
    }
    entry['x-wsflow-upgrader'] = channel.upgraderId;
    if (pinned) entry.servers = ['local'];
    const declared = channelsExtension(channel, plan.flow);
    if (declared) entry['x-wsflow-channels'] = declared;
    channels[channel.address] = entry;
  }
  const messages = messageComponents(plan);
  const schemes = securitySchemes(plan.channels.map((c) => c.auth));
  return {
    asyncapi: '2.6.0',
    id: `urn:wsflow:${plan.flow.name}`,
    info: info(plan),
    tags: [{ name: 'wsflow', description: 'Exported from a wsflow flow document.' }],
    defaultContentType: 'application/json',
    servers: { local: { url: `localhost:${plan.flow.listener.port}`, protocol: 'ws', description: 'The service started with its default PORT.' }, ...brokers },
    channels,
    components: schemes ? { messages, securitySchemes: schemes } : { messages },
  };
}

function asyncApi3(plan: ExportPlan): Json {
  const ids = uniqueIds(plan);
  const brokers = brokerServers(plan, '3.0');
  const pinned = Object.keys(brokers).length > 0;
  const channels: Json = {};
  const operations: Json = {};
  for (const channel of plan.channels) {
    const id = ids.get(channel) as string;
    const incoming = channelMessages(channel, 'incoming');
    const outgoing = [...channelMessages(channel, 'outgoing'), ...channelEnvelopes(channel, plan.flow)];
    const channelMsgs: Json = {};
    for (const m of [...incoming, ...outgoing]) channelMsgs[m.key] = messageRef(m);
    const entry: Json = { address: channel.address };
    if (channel.description) entry.description = channel.description;
    if (Object.keys(channelMsgs).length > 0) entry.messages = channelMsgs;
    if (channel.params.length > 0) {
      const parameters: Json = {};
      for (const p of channel.params) parameters[p] = { description: `Path segment {${p}} of the upgrade URL.` };
      entry.parameters = parameters;
    }
    const bindings = wsBinding(channel);
    if (bindings) entry.bindings = bindings;
    entry['x-wsflow-upgrader'] = channel.upgraderId;
    if (pinned) entry.servers = [{ $ref: '#/servers/local' }];
    const declared = channelsExtension(channel, plan.flow);
    if (declared) entry['x-wsflow-channels'] = declared;
    channels[id] = entry;
    const refs = (list: MessagePlan[]) => list.map((m) => ({ $ref: `#/channels/${id}/messages/${m.key}` }));
    const security = channel.auth ? { security: [{ $ref: `#/components/securitySchemes/${securitySchemeName(channel.auth)}` }] } : {};
    const operation = (action: 'receive' | 'send', summary: string, list: MessagePlan[]) => ({ action, channel: { $ref: `#/channels/${id}` }, summary, messages: refs(list), ...security });
    if (incoming.length > 0) operations[`${id}Receive`] = operation('receive', 'Messages clients send to the service.', incoming);
    if (outgoing.length > 0) operations[`${id}Send`] = operation('send', 'Messages the service sends to clients.', outgoing);
  }
  const messages = messageComponents(plan);
  const schemes = securitySchemes(plan.channels.map((c) => c.auth));
  const doc: Json = {
    asyncapi: '3.0.0',
    id: `urn:wsflow:${plan.flow.name}`,
    info: { ...info(plan), tags: [{ name: 'wsflow', description: 'Exported from a wsflow flow document.' }] },
    defaultContentType: 'application/json',
    servers: { local: { host: `localhost:${plan.flow.listener.port}`, protocol: 'ws', description: 'The service started with its default PORT.' }, ...brokers },
    channels,
    operations,
    components: schemes ? { messages, securitySchemes: schemes } : { messages },
  };
  return doc;
}

/** Every message component: the plan's, then the channel envelopes (docs/channels.md), by key. */
function messageComponents(plan: ExportPlan): Json {
  const messages: Json = {};
  for (const m of plan.messages) messages[m.key] = messageComponent(m);
  const envelopes = plan.channels.flatMap((c) => channelEnvelopes(c, plan.flow)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const m of envelopes) messages[m.key] = messageComponent(m);
  return messages;
}

export function asyncApiDocument(plan: ExportPlan, version: AsyncApiVersion): Json {
  return version === '3.0' ? asyncApi3(plan) : asyncApi2(plan);
}

export function asyncApiYaml(plan: ExportPlan, version: AsyncApiVersion): string {
  const header = `# AsyncAPI ${version === '3.0' ? '3.0.0' : '2.6.0'} description of ${plan.flow.name}, generated by wsflow export. Do not edit: re-export instead.\n`;
  return header + toYaml(asyncApiDocument(plan, version));
}
