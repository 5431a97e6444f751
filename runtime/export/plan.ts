/**
 * What every exporter needs to know about a flow, derived once from the FlowDocument alone:
 * one channel per upgrader (its full path template, parameters, query and headers), the
 * services behind it with their message shapes, and the settings a deployment may override
 * through environment variables.
 */
import { joinPath, templateParamNames } from '../model/paths.ts';
import type { AuthSpec, FlowDocument, MessageSpec, ParamSpec, ServiceNode, UpgraderNode } from '../model/types.ts';
import { REDIS_URL_SETTING, settingEnvName } from './env.ts';
import { ExportError } from './errors.ts';

export interface MessagePlan {
  /** Key under `components.messages` (unique, AsyncAPI-safe). */
  key: string;
  spec: MessageSpec;
  /** True for the string message used when a service declares no shape for a direction. */
  implicit: boolean;
}

export interface ServicePlan {
  id: string;
  incoming: MessagePlan[];
  outgoing: MessagePlan[];
}

export interface ChannelPlan {
  upgraderId: string;
  /** Full RFC 6570 style template: basePath + upgradePath, e.g. `/chat/{name}` (or `/*`). */
  address: string;
  /** The upgrader's own base path, normalized (`/` when none). */
  basePath: string;
  params: string[];
  query: Record<string, ParamSpec>;
  headers: Record<string, ParamSpec>;
  description?: string;
  services: ServicePlan[];
  /** credentials the upgrader requires (AsyncAPI security scheme) */
  auth?: AuthSpec;
}

/** A value a deployment can set through the environment; the flow's value is the default. */
export interface EnvSetting {
  name: string;
  defaultValue: string;
  description: string;
}

export interface ExportPlan {
  flow: FlowDocument;
  channels: ChannelPlan[];
  /** Every message component, sorted by key. */
  messages: MessagePlan[];
  env: EnvSetting[];
  /** Drain time on SIGTERM, ms (flow setting or the engine's default of 5000). */
  drainTimeoutMs: number;
}

export const DEFAULT_DRAIN_MS = 5000;

/** The message a direction carries when the service declares no shape: plain text. */
export const TEXT_MESSAGE: MessageSpec = {
  name: 'Text',
  title: 'Text message',
  contentType: 'text/plain',
  schema: { type: 'string' },
};

const COMPONENT_KEY_UNSAFE = /[^A-Za-z0-9._-]/g;

/** JSON with sorted keys, to compare message specs structurally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function settingsEnv(flow: FlowDocument): EnvSetting[] {
  const env: EnvSetting[] = [
    { name: 'PORT', defaultValue: String(flow.listener.port), description: 'listener port' },
    { name: 'HOST', defaultValue: '0.0.0.0', description: 'interface to bind' },
  ];
  const settings: Record<string, unknown> = { handlerBudgetMs: 1000, drainTimeoutMs: DEFAULT_DRAIN_MS, ...(flow.settings ?? {}) };
  for (const key of Object.keys(settings).sort()) {
    const value = settings[key];
    // Only scalar settings can come from one environment variable.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    if (key === REDIS_URL_SETTING) continue;
    env.push({ name: settingEnvName(key), defaultValue: String(value), description: `settings.${key}` });
  }
  return env;
}

export function planExport(flow: FlowDocument): ExportPlan {
  const services = new Map<string, ServiceNode>();
  for (const node of flow.nodes) if (node.type === 'service') services.set(node.id, node as ServiceNode);

  // Group declared messages by name; equal shapes share one component, different ones get the
  // service id as a prefix so nothing is silently merged.
  const byName = new Map<string, Set<string>>();
  for (const service of services.values()) {
    for (const spec of [...(service.messages?.incoming ?? []), ...(service.messages?.outgoing ?? [])]) {
      const set = byName.get(spec.name) ?? new Set<string>();
      set.add(canonical(spec));
      byName.set(spec.name, set);
    }
  }
  const messages = new Map<string, MessagePlan>();
  const planMessage = (serviceId: string, spec: MessageSpec): MessagePlan => {
    const shared = (byName.get(spec.name)?.size ?? 0) <= 1;
    const key = (shared ? spec.name : `${serviceId}.${spec.name}`).replace(COMPONENT_KEY_UNSAFE, '_');
    const plan = messages.get(key) ?? { key, spec, implicit: false };
    messages.set(key, plan);
    return plan;
  };
  const implicitText = (): MessagePlan => {
    const key = byName.has(TEXT_MESSAGE.name) ? 'WsflowText' : TEXT_MESSAGE.name;
    const plan = messages.get(key) ?? { key, spec: TEXT_MESSAGE, implicit: true };
    messages.set(key, plan);
    return plan;
  };
  const servicePlans = new Map<string, ServicePlan>();
  const planService = (service: ServiceNode): ServicePlan => {
    const existing = servicePlans.get(service.id);
    if (existing) return existing;
    const direction = (specs: MessageSpec[] | undefined) =>
      specs && specs.length > 0 ? specs.map((s) => planMessage(service.id, s)) : [implicitText()];
    const plan = { id: service.id, incoming: direction(service.messages?.incoming), outgoing: direction(service.messages?.outgoing) };
    servicePlans.set(service.id, plan);
    return plan;
  };

  const channels: ChannelPlan[] = [];
  flow.nodes.forEach((node, index) => {
    if (node.type !== 'upgrader') return;
    const upgrader = node as UpgraderNode;
    const address = joinPath(upgrader.basePath, upgrader.upgradePath);
    const params = templateParamNames(address);
    for (const param of params) {
      // AsyncAPI parameter keys allow letters, digits, `_` and `-` only.
      if (!/^[A-Za-z0-9_-]+$/.test(param)) {
        throw new ExportError(
          'WSF_EXPORT_ASYNCAPI_NAME',
          `nodes[${index}].upgradePath: path parameter "{${param}}" of upgrader "${upgrader.id}" is not a valid AsyncAPI parameter name (letters, digits, _ and - only)`,
          `nodes[${index}].upgradePath`,
          upgrader.id,
        );
      }
    }
    const connected = flow.edges
      .filter((e) => e.from === upgrader.id)
      .map((e) => services.get(e.to))
      .filter((s): s is ServiceNode => s !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const channel: ChannelPlan = {
      upgraderId: upgrader.id,
      address,
      basePath: joinPath(upgrader.basePath),
      params,
      query: upgrader.query ?? {},
      headers: upgrader.headers ?? {},
      services: connected.map(planService),
    };
    const description = upgrader.description ?? upgrader.label;
    if (typeof description === 'string' && description !== '') channel.description = description;
    if (upgrader.auth) channel.auth = upgrader.auth;
    channels.push(channel);
  });
  if (channels.length === 0) {
    throw new ExportError('WSF_EXPORT_NO_UPGRADER', 'nodes: the flow has no upgrader, so the service would accept no connection', 'nodes');
  }
  const seen = new Map<string, string>();
  for (const channel of channels) {
    const other = seen.get(channel.address);
    if (other !== undefined) {
      throw new ExportError(
        'WSF_EXPORT_BAD_PATH',
        `upgraders "${other}" and "${channel.upgraderId}" both serve ${channel.address}; one channel per path`,
        'upgradePath',
        channel.upgraderId,
      );
    }
    seen.set(channel.address, channel.upgraderId);
  }
  const drain = flow.settings?.drainTimeoutMs;
  return {
    flow,
    channels: channels.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)),
    messages: [...messages.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    env: settingsEnv(flow),
    drainTimeoutMs: typeof drain === 'number' && drain >= 0 ? drain : DEFAULT_DRAIN_MS,
  };
}

/** Messages of one direction across every service of a channel, without duplicates. */
export function channelMessages(channel: ChannelPlan, direction: 'incoming' | 'outgoing'): MessagePlan[] {
  const out = new Map<string, MessagePlan>();
  for (const service of channel.services) for (const m of service[direction]) out.set(m.key, m);
  if (out.size === 0) return [];
  return [...out.values()];
}

/** Segment-wise longest common prefix of the upgraders' base paths (`/` when they share none). */
export function commonBasePath(channels: ChannelPlan[]): string {
  const split = channels.map((c) => c.basePath.split('/').filter((s) => s !== ''));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n += 1;
  return `/${first.slice(0, n).join('/')}`;
}
