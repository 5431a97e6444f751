/**
 * The connectors of one flow instance (`createConnectors`, passed to the engine as
 * `EngineOptions.connectors`). Runs on the engine's main thread, beside the sockets:
 * - bindings: connector nodes wired from a service are set up for each connection when it opens
 *   (backend pipe, subscriptions, publish-what-the-client-sends) and torn down when it closes;
 * - calls: what snippets and chain steps ask through `ctx.http`, `ctx.mqtt(url)`, `ctx.redis(url)`;
 * - brokers: one connection per broker URL, shared, reconnecting with backoff, closed on stop.
 */
import type { ClientLink, ConnectorCall, ConnectorContext, ConnectorHost, SubscriptionHold, UpgradeScope } from '../engine/contracts.ts';
import { BINDING_TYPES } from '../model/connectors.ts';
import type { ConnectorNode, MqttInNode } from '../model/connectors.ts';
import { renderTemplate, scanTemplate, TemplateError } from '../model/template.ts';
import type { TemplateScope } from '../model/template.ts';
import type { FlowDocument } from '../model/types.ts';
import { SUBSCRIBE_WAIT_MS } from './broker.ts';
import type { Broker } from './broker.ts';
import { redactUrl } from './backoff.ts';
import { ConnectorError } from './errors.ts';
import { httpCall } from './http.ts';
import { mqttBroker } from './mqtt.ts';
import { redisBroker } from './redis.ts';
import { BackendPipe } from './ws-backend.ts';

/** A subscriber whose socket holds more than this unsent is closed (1008) rather than buffered forever. */
export const MAX_SUBSCRIBER_BUFFER = 8 * 1024 * 1024;

interface PerConnection {
  pipe?: BackendPipe;
  stops: (() => void)[];
  outs: { node: string; broker: Broker; topic: string; qos?: number; retain?: boolean }[];
}

function bindingsOf(flow: FlowDocument): Map<string, ConnectorNode[]> {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const result = new Map<string, ConnectorNode[]>();
  for (const edge of flow.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (from?.type !== 'service' || !to || !(BINDING_TYPES as readonly string[]).includes(to.type)) continue;
    const list = result.get(from.id) ?? [];
    list.push(to as ConnectorNode);
    result.set(from.id, list);
  }
  return result;
}

/**
 * Per service, the mqttIn bindings a client is subscribed by before its upgrade completes: all but
 * those whose url or topic names `${conn.id}`, which exists only once the client is in (nobody
 * can publish to such a topic before the client has it).
 */
function heldBy(bindings: Map<string, ConnectorNode[]>): Map<string, MqttInNode[]> {
  const byConnId = (text: string) => scanTemplate(text).refs.some((r) => r.path[0] === 'conn' && r.path[1] === 'id');
  const result = new Map<string, MqttInNode[]>();
  for (const [serviceId, nodes] of bindings) {
    const held = nodes.filter((n): n is MqttInNode => n.type === 'mqttIn' && !byConnId(n.url) && !byConnId(n.topic));
    if (held.length > 0) result.set(serviceId, held);
  }
  return result;
}

/** The listener a hold subscribes with: it only keeps the subscription alive until the binding's own. */
const HOLDING = () => undefined;

/** What a client's upgrade subscribed (see admit), ended once its connection's bindings subscribe or it goes away. */
interface Held {
  stops: (() => void)[];
  /** the client's Sec-WebSocket-Key: how its connection finds the hold (a fresh nonce per upgrade) */
  upgradeKey: string;
  ended: boolean;
}

const noMqttWildcard = (v: string) => (/[+#]/.test(v) || v.includes('\u0000') ? 'holds an MQTT wildcard (+ or #)' : undefined);
const noRedisPattern = (v: string) => (/[*?[\]]/.test(v) ? 'holds a Redis pattern character (*, ? or [)' : undefined);

function scopeOf(link: ClientLink, env: TemplateScope['env']): TemplateScope {
  return { env, conn: { id: link.id, path: link.path, service: link.service, params: link.params, query: link.query, headers: link.headers } };
}

function renderMap(map: Record<string, string> | undefined, scope: TemplateScope): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = renderTemplate(v, scope);
  return out;
}

export function createConnectors(context: ConnectorContext): ConnectorHost {
  let bindings = bindingsOf(context.flow);
  let held = heldBy(bindings);
  /** Confirmed holds of clients being let in, by Sec-WebSocket-Key (a list: nothing stops a client from reusing one). */
  const letIn = new Map<string, Held[]>();
  const brokers = new Map<string, Broker>();
  const conns = new Map<number, PerConnection>();
  /** nodes that use each broker: its state changes are reported on them */
  const users = new Map<string, Set<string>>();
  let closing = false;

  const problem = (nodeId: string | undefined, level: 'info' | 'warn' | 'error', code: string, message: string) =>
    context.emit({ kind: 'engine', t: Date.now(), level, code, message, nodeId });
  const outbound = (nodeId: string, connector: string, target: string, t0: number, ok: boolean, result: string, connectionId?: string) =>
    context.emit({ kind: 'outbound', t: Date.now(), nodeId, connector, target, connectionId, durationMs: performance.now() - t0, ok, result });

  function broker(kind: 'mqtt' | 'redis', url: string, nodeId: string | undefined): Broker {
    const key = `${kind} ${url}`;
    if (nodeId) {
      const set = users.get(key) ?? new Set<string>();
      set.add(nodeId);
      users.set(key, set);
    }
    let b = brokers.get(key);
    if (!b) {
      const status = (level: 'info' | 'error', code: string, message: string) => {
        if (closing) return;
        const nodes = users.get(key);
        if (!nodes || nodes.size === 0) problem(undefined, level, code, message);
        else for (const n of nodes) problem(n, level, code, message);
      };
      b = kind === 'mqtt' ? mqttBroker(url, status) : redisBroker(url, status);
      brokers.set(key, b);
    }
    return b;
  }

  function subscribeLink(b: Broker, link: ClientLink, topic: string, options: { qos?: number; pattern?: boolean; as?: 'text' | 'binary' }): () => void {
    const binary = options.as === 'binary';
    return b.subscribe(topic, options, (_topic, payload) => {
      if (!link.isOpen) return;
      if (link.bufferedAmount > MAX_SUBSCRIBER_BUFFER) {
        link.close(1008, 'too slow for its subscription');
        return;
      }
      link.send(binary ? payload : payload.toString('utf8'), binary);
    });
  }

  function per(num: number): PerConnection {
    let p = conns.get(num);
    if (!p) conns.set(num, (p = { stops: [], outs: [] }));
    return p;
  }

  function bind(link: ClientLink, node: ConnectorNode, scope: TemplateScope): void {
    const p = per(link.num);
    switch (node.type) {
      case 'wsBackend':
        p.pipe = new BackendPipe(
          link,
          {
            url: renderTemplate(node.url, scope),
            headers: renderMap(node.headers, scope),
            subprotocols: (node.subprotocols ?? []).map((s) => renderTemplate(s, scope)),
            connectTimeoutMs: node.connectTimeoutMs ?? 10_000,
          },
          {
            outbound: (e) => outbound(node.id, 'wsBackend', e.target, performance.now() - e.durationMs, e.ok, e.result, e.connectionId),
            problem: (code, message) => problem(node.id, 'error', code, message),
          },
        );
        break;
      case 'mqttIn':
      case 'redisIn': {
        const b = broker(node.type === 'mqttIn' ? 'mqtt' : 'redis', renderTemplate(node.url, scope), node.id);
        const topic = renderTemplate(node.type === 'mqttIn' ? node.topic : node.channel, scope, node.type === 'mqttIn' ? noMqttWildcard : node.pattern ? noRedisPattern : undefined);
        p.stops.push(subscribeLink(b, link, topic, { qos: node.type === 'mqttIn' ? node.qos : undefined, pattern: node.type === 'redisIn' ? node.pattern : undefined, as: node.as }));
        break;
      }
      case 'mqttOut':
        p.outs.push({ node: node.id, broker: broker('mqtt', renderTemplate(node.url, scope), node.id), topic: renderTemplate(node.topic, scope, noMqttWildcard), qos: node.qos, retain: node.retain });
        break;
      case 'redisOut':
        p.outs.push({ node: node.id, broker: broker('redis', renderTemplate(node.url, scope), node.id), topic: renderTemplate(node.channel, scope) });
        break;
      case 'http':
        break; // a chain step, never a binding
    }
  }

  function endHeld(h: Held): void {
    if (h.ended) return;
    h.ended = true;
    for (const stop of h.stops) stop();
    // The client's socket keeps the hold (its 'close' listener) for the connection's life: keep it small.
    h.stops.length = 0;
    const list = letIn.get(h.upgradeKey);
    const at = list?.indexOf(h) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list?.length === 0) letIn.delete(h.upgradeKey);
  }

  /** Subscribe a client about to be let in (see ConnectorHost.admit); a topic that cannot be filled is left to the binding, which reports it. */
  function admit(serviceId: string, upgrade: UpgradeScope): SubscriptionHold | undefined {
    const nodes = held.get(serviceId);
    if (!nodes || closing) return undefined;
    // `${conn.id}` is never filled here (heldBy leaves those bindings out).
    const scope: TemplateScope = { env: context.env, conn: { id: '', service: serviceId, ...upgrade } };
    const h: Held = { stops: [], upgradeKey: upgrade.headers['sec-websocket-key'] ?? '', ended: false };
    const answers: Promise<string | undefined>[] = [];
    for (const node of nodes) {
      try {
        const b = broker('mqtt', renderTemplate(node.url, scope), node.id);
        const topic = renderTemplate(node.topic, scope, noMqttWildcard);
        h.stops.push(b.subscribe(topic, { qos: node.qos }, HOLDING));
        answers.push(
          (b.confirmed?.(topic, { qos: node.qos }, SUBSCRIBE_WAIT_MS) ?? Promise.resolve(undefined)).then((refusal) => {
            if (!refusal) return undefined;
            const why = `${refusal.message} (${refusal.code})`;
            problem(node.id, 'warn', refusal.code, `a client of '${serviceId}' was refused (503): ${why}`);
            return why;
          }),
        );
      } catch {
        // the binding meets the same problem when the connection opens, and closes it (1008/1011)
      }
    }
    if (h.stops.length === 0) return undefined;
    const ready = Promise.all(answers).then((whys) => {
      const why = whys.find((w) => w !== undefined);
      if (!why && !h.ended) letIn.set(h.upgradeKey, [...(letIn.get(h.upgradeKey) ?? []), h]);
      return why;
    });
    return { ready, release: () => endHeld(h) };
  }

  /** Publish failures of a binding are reported once per connection, not once per message. */
  const reported = new Set<string>();

  return {
    admit,

    opened(serviceId, makeLink) {
      const list = bindings.get(serviceId);
      if (!list) return;
      const link = makeLink();
      const scope = scopeOf(link, context.env);
      // Its subscriptions are this connection's own once bound: the hold that let the client in ends after.
      const hold = letIn.get(link.headers['sec-websocket-key'] ?? '')?.[0];
      for (const node of list) {
        try {
          bind(link, node, scope);
        } catch (error) {
          const code = error instanceof TemplateError || error instanceof ConnectorError ? error.code : 'WSF_CONNECTOR_FAILED';
          problem(node.id, 'error', code, `${node.type} '${node.id}' cannot serve connection ${link.id}: ${error instanceof Error ? error.message : String(error)}`);
          // A value the client chose and the field refuses is a policy matter (1008); the rest is ours (1011).
          if (error instanceof TemplateError && error.refused) link.close(1008, 'not allowed');
          else link.close(1011, `${node.type} unavailable`);
          break;
        }
      }
      if (hold) endHeld(hold);
    },

    fromClient(num, bytes, binary) {
      const p = conns.get(num);
      if (!p) return;
      const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      p.pipe?.fromClient(data, binary);
      for (const out of p.outs) {
        out.broker.publish(out.topic, binary ? data : data.toString('utf8'), { qos: out.qos, retain: out.retain }).catch((error: unknown) => {
          const key = `${num} ${out.node}`;
          if (reported.has(key)) return;
          reported.add(key);
          problem(out.node, 'warn', error instanceof ConnectorError ? error.code : 'WSF_CONNECTOR_FAILED', `a message of connection ${num} was not published on '${out.topic}': ${error instanceof Error ? error.message : String(error)}`);
        });
      }
    },

    closed(num, code, reason) {
      const p = conns.get(num);
      if (!p) return;
      conns.delete(num);
      p.pipe?.clientClosed(code, reason);
      for (const stop of p.stops) stop();
      for (const out of p.outs) reported.delete(`${num} ${out.node}`);
    },

    async call(call: ConnectorCall, _serviceId: string, link: ClientLink | undefined, connectionId: string): Promise<unknown> {
      const nodeId = call.nodeId ?? '';
      const t0 = performance.now();
      try {
        if (call.kind === 'http') {
          const target = `${(call.request.method ?? 'GET').toUpperCase()} ${redactUrl(call.request.url)}`;
          const result = await httpCall(call.request);
          outbound(nodeId, 'http', target, t0, true, `${result.status}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`, connectionId || undefined);
          return result;
        }
        const b = broker(call.broker, call.url, call.nodeId);
        if (call.kind === 'publish') {
          await b.publish(call.topic, call.payload, { qos: call.qos, retain: call.retain });
          outbound(nodeId, call.broker, `publish ${call.topic}`, t0, true, 'published', connectionId || undefined);
          return undefined;
        }
        if (!link || !link.isOpen) throw new ConnectorError('WSF_CONNECTOR_NO_CONNECTION', 'subscribe() needs an open connection');
        per(link.num).stops.push(subscribeLink(b, link, call.topic, call));
        return undefined;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const target = call.kind === 'http' ? `${(call.request.method ?? 'GET').toUpperCase()} ${redactUrl(call.request.url)}` : `${call.kind} ${call.topic}`;
        outbound(nodeId, call.kind === 'http' ? 'http' : call.broker, target, t0, false, message, connectionId || undefined);
        throw error;
      }
    },

    reload(flow) {
      // New bindings apply to connections that open from now on; open ones keep theirs.
      bindings = bindingsOf(flow);
      held = heldBy(bindings);
    },

    async close() {
      closing = true;
      for (const holds of [...letIn.values()]) for (const h of [...holds]) endHeld(h);
      for (const p of conns.values()) {
        p.pipe?.terminate();
        for (const stop of p.stops) stop();
      }
      conns.clear();
      await Promise.all([...brokers.values()].map((b) => b.close()));
      brokers.clear();
    },
  };
}
