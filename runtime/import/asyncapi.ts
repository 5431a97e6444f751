/**
 * `importAsyncApi`: a flow skeleton from an AsyncAPI 2.x or 3.0 document (what API Manager and
 * `wsflow export` write). One upgrader per channel, with its path parameters and the query and
 * header declarations of its `ws` binding; one service per distinct set of messages (a single
 * service when every channel carries the same messages), with the message shapes; stub
 * onOpen/onText/onClose handlers that type-check.
 */
import { Parser, type AsyncAPIDocumentInterface, type ChannelInterface, type MessageInterface } from '@asyncapi/parser';
import { joinPath } from '../model/paths.ts';
import { parsePort } from '../model/port.ts';
import { updateFlowYaml } from '../model/serialize.ts';
import type { FlowDocument, FlowEdge, FlowNode, MessageSpec, ParamSpec, ServiceNode, UpgraderNode } from '../model/types.ts';
import { handlerStubs } from './stubs.ts';

export class ImportError extends Error {
  constructor(
    message: string,
    /** One located line per problem: `file:line:col: error message (code)`. */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

export interface ImportResult {
  flow: FlowDocument;
  yaml: string;
  /** Things that were adapted (renamed parameters, skipped channels), one sentence each. */
  warnings: string[];
}

type Json = Record<string, unknown>;

/** Drops the parser's own `x-parser-*` annotations from a schema. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (!k.startsWith('x-parser-')) out[k] = clean(v);
    return out;
  }
  return value;
}

function slug(text: string, fallback: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return /^[a-z]/.test(s) ? s : s === '' ? fallback : `${fallback}-${s}`.slice(0, 50);
}

function paramSpecs(schema: unknown, warnings: string[], where: string): Record<string, ParamSpec> | undefined {
  if (schema === null || typeof schema !== 'object') return undefined;
  const s = schema as Json;
  const properties = (s.properties ?? {}) as Record<string, Json>;
  const required = Array.isArray(s.required) ? (s.required as unknown[]) : [];
  const out: Record<string, ParamSpec> = {};
  for (const name of Object.keys(properties).sort()) {
    const p = properties[name] ?? {};
    const declared = p.type;
    let type: ParamSpec['type'] = 'string';
    if (declared === 'string' || declared === 'integer' || declared === 'number' || declared === 'boolean') type = declared;
    else warnings.push(`${where}.${name}: type ${JSON.stringify(declared)} imported as string`);
    const spec: ParamSpec = { type };
    if (required.includes(name)) spec.required = true;
    if (typeof p.description === 'string') spec.description = p.description;
    if (typeof p.default === 'string' || typeof p.default === 'number' || typeof p.default === 'boolean') spec.default = p.default;
    out[name] = spec;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function messageSpec(message: MessageInterface): MessageSpec {
  const spec: MessageSpec = { name: message.name() ?? message.id() };
  const title = message.title();
  if (title !== undefined && title !== spec.name) spec.title = title;
  const description = message.description();
  if (description !== undefined) spec.description = description;
  const contentType = message.contentType();
  if (contentType !== undefined) spec.contentType = contentType;
  const payload = message.payload()?.json();
  if (payload !== undefined && typeof payload === 'object') spec.schema = clean(payload) as Record<string, unknown>;
  return spec;
}

/** Path parameters must be identifiers in a flow (`conn.params.x`): `user-id` becomes `user_id`. */
function identifierParams(address: string, warnings: string[]): string {
  return address.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    let id = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
    if (id !== name) warnings.push(`channel ${address}: parameter {${name}} renamed {${id}} (flow parameters are identifiers)`);
    return `{${id}}`;
  });
}

interface ChannelInfo {
  channel: ChannelInterface;
  address: string;
  upgraderId: string;
  incoming: MessageSpec[];
  outgoing: MessageSpec[];
}

function messagesOf(channel: ChannelInterface, direction: 'incoming' | 'outgoing'): MessageSpec[] {
  const out = new Map<string, MessageSpec>();
  for (const op of channel.operations().all()) {
    const wanted = direction === 'incoming' ? op.isReceive() : op.isSend();
    if (!wanted) continue;
    for (const m of op.messages().all()) {
      const spec = messageSpec(m);
      if (!out.has(spec.name)) out.set(spec.name, spec);
    }
  }
  return [...out.values()];
}

/** The literal, parameter-free leading segments every channel shares: the upgraders' base path. */
function commonLiteralPrefix(addresses: string[]): string[] {
  const split = addresses.map((a) => a.split('/').filter((s) => s !== ''));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && !/[{}*]/.test(first[n] as string) && split.every((s) => s[n] === first[n])) n += 1;
  return first.slice(0, n);
}

function listenerPort(doc: AsyncAPIDocumentInterface): number {
  for (const server of doc.servers().all()) {
    // 2.x `url` is often scheme-less (`localhost:9090`), which URL parsing misreads: use the text.
    const raw = server.json() as Json;
    const where = typeof raw.url === 'string' ? raw.url : typeof raw.host === 'string' ? raw.host : '';
    const m = /:(\d+)(?:\/|$)/.exec(where);
    const port = m?.[1] === undefined ? undefined : parsePort(m[1]);
    if (port !== undefined && port >= 1) return port;
  }
  return 8080;
}

/** A `$ref` the parser wants to follow: `file` (an absolute path) or an http(s) URL. */
export interface RefRequest {
  scheme: 'file' | 'http' | 'https';
  href: string;
}

/**
 * With `readRef`, every external `$ref` is read by it and by nothing else. The parser's own
 * readers come after a custom one and run whenever it throws, so a refusal is kept aside, the
 * parser gets an empty document, and the refusal is thrown once parsing ends.
 */
function confinedParser(readRef: (ref: RefRequest) => Promise<string>): { parser: Parser; refused: () => Error | undefined } {
  let refusal: Error | undefined;
  const resolvers = (['file', 'http', 'https'] as const).map((scheme) => ({
    schema: scheme,
    order: 1,
    read: async (uri: { toString(): string }) => {
      try {
        return await readRef({ scheme, href: uri.toString() });
      } catch (error) {
        refusal ??= error instanceof Error ? error : new Error(String(error));
        return '{}';
      }
    },
  }));
  return { parser: new Parser({ __unstable: { resolver: { resolvers } } }), refused: () => refusal };
}

async function parseDocument(text: string, file: string, options: ImportOptions): Promise<AsyncAPIDocumentInterface> {
  const confined = options.readRef ? confinedParser(options.readRef) : undefined;
  const parser = confined?.parser ?? new Parser();
  const { document, diagnostics } = await parser.parse(text, options.source ? { source: options.source } : {});
  const refusal = confined?.refused();
  if (refusal) throw refusal;
  // 0 is DiagnosticSeverity.Error; the parser's diagnostics use a nested copy of that enum's type.
  const errors = diagnostics.filter((d) => (d.severity as number) === 0);
  if (errors.length > 0 || !document) {
    const problems = errors.map((d) => {
      const at = d.range?.start ? `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}` : file;
      const path = d.path.length > 0 ? ` at ${d.path.join('.')}` : '';
      return `${at}: error ${d.message}${path} (${String(d.code)})`;
    });
    if (problems.length === 0) problems.push(`${file}: error not an AsyncAPI document the parser can read`);
    throw new ImportError(`${file} is not a valid AsyncAPI document`, problems);
  }
  return document;
}

export interface ImportOptions {
  /** `$schema` reference written on the first line of the YAML, relative to where it is saved. */
  schemaRef?: string;
  /** Absolute path of the document: relative `$ref`s resolve against its folder. */
  source?: string;
  /** Reads every external `$ref` (the studio confines them to the document's folder); throwing refuses the import. */
  readRef?: (ref: RefRequest) => Promise<string>;
}

export async function importAsyncApi(text: string, file: string, options: ImportOptions = {}): Promise<ImportResult> {
  const doc = await parseDocument(text, file, options);
  const warnings: string[] = [];
  const info = doc.info();
  const idMatch = /^urn:wsflow:([a-z0-9-]+)$/.exec(info.id() ?? '');
  const name = idMatch?.[1] ?? slug(info.title(), 'service');

  const channels: ChannelInfo[] = [];
  const usedIds = new Set<string>();
  const uniqueId = (base: string) => {
    let id = base;
    for (let n = 2; usedIds.has(id); n++) id = `${base}-${n}`;
    usedIds.add(id);
    return id;
  };
  for (const channel of doc.channels().all()) {
    const rawAddress = channel.address();
    if (rawAddress === null || rawAddress === undefined) {
      warnings.push(`channel ${channel.id()}: no address, skipped`);
      continue;
    }
    const address = joinPath(identifierParams(rawAddress, warnings));
    const ext: unknown = channel.extensions().get('x-wsflow-upgrader')?.value();
    const base = typeof ext === 'string' && /^[A-Za-z0-9_-]+$/.test(ext) ? ext : `${slug(address.replace(/[{}*]/g, ' '), 'channel')}-upgrader`;
    channels.push({
      channel,
      address,
      upgraderId: uniqueId(base === '-upgrader' ? 'root-upgrader' : base),
      incoming: messagesOf(channel, 'incoming'),
      outgoing: messagesOf(channel, 'outgoing'),
    });
  }
  if (channels.length === 0) throw new ImportError(`${file} declares no channel with an address; nothing to import`, [`${file}: error no channels`]);
  channels.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

  // Channels that carry the same messages share one service.
  const groups = new Map<string, ChannelInfo[]>();
  for (const c of channels) {
    const key = JSON.stringify([c.incoming, c.outgoing]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const prefix = commonLiteralPrefix(channels.map((c) => c.address));
  const basePath = `/${prefix.join('/')}`;

  const nodes: FlowNode[] = [];
  const edges: FlowEdge[] = [];
  let row = 0;
  for (const group of groups.values()) {
    const serviceId = uniqueId(groups.size === 1 ? 'service' : `${(group[0] as ChannelInfo).upgraderId.replace(/-upgrader$/, '')}-service`);
    const first = group[0] as ChannelInfo;
    const top = row;
    for (const c of group) {
      const rest = c.address.split('/').filter((s) => s !== '').slice(prefix.length);
      const upgrader: UpgraderNode = { id: c.upgraderId, type: 'upgrader', position: { x: 0, y: row * 140 }, basePath };
      if (rest.length > 0) upgrader.upgradePath = `/${rest.join('/')}`;
      const description = c.channel.description();
      if (description !== undefined) upgrader.description = description;
      const ws = c.channel.bindings().get('ws')?.value() as Json | undefined;
      const query = paramSpecs(ws?.query, warnings, `${c.address} query`);
      const headers = paramSpecs(ws?.headers, warnings, `${c.address} headers`);
      if (query) upgrader.query = query;
      if (headers) upgrader.headers = headers;
      nodes.push(upgrader);
      edges.push({ from: upgrader.id, to: serviceId });
      row += 1;
    }
    const service: ServiceNode = { id: serviceId, type: 'service', position: { x: 320, y: top * 140 } };
    const messages: NonNullable<ServiceNode['messages']> = {};
    if (first.incoming.length > 0) messages.incoming = first.incoming;
    if (first.outgoing.length > 0) messages.outgoing = first.outgoing;
    if (Object.keys(messages).length > 0) service.messages = messages;
    nodes.push(service);
    const stubs = handlerStubs(groups.size === 1 ? '' : `${serviceId}-`, first.incoming, first.outgoing);
    stubs.forEach((stub, i) => {
      nodes.push({ ...stub, position: { x: 640, y: (top + i) * 140 } });
      edges.push({ from: serviceId, to: stub.id });
    });
    row = Math.max(row, top + stubs.length);
  }

  const description = info.description();
  const flow: FlowDocument = {
    wsflow: 1,
    name,
    ...(info.title() !== name ? { displayName: info.title().slice(0, 50) } : {}),
    ...(description !== undefined ? { description } : {}),
    version: info.version(),
    listener: { port: listenerPort(doc) },
    nodes,
    edges,
  };
  const yaml = updateFlowYaml(undefined, flow, options.schemaRef !== undefined ? { schemaRef: options.schemaRef } : {});
  return { flow, yaml, warnings };
}
