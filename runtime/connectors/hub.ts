/**
 * The connectors of one flow instance (`createConnectors`, passed to the engine as
 * `EngineOptions.connectors`). Runs on the engine's main thread, beside the sockets:
 * - bindings: connector nodes wired from a service are set up for each connection when it opens
 *   (backend pipe, subscriptions, publish-what-the-client-sends) and torn down when it closes;
 * - calls: what snippets and chain steps ask through `ctx.http`, `ctx.mqtt(url)`, `ctx.redis(url)`, `ctx.nats(url)`, `ctx.amqp(url)`;
 * - brokers: one connection per broker URL, shared, reconnecting with backoff, closed on stop.
 */
import { isUtf8 } from 'node:buffer';
import type { ClientLink, ConnectorCall, ConnectorContext, ConnectorDrops, ConnectorHost, ConnectorLinkState, SnippetBroker, SubscriptionHold, UpgradeScope } from '../engine/contracts.ts';
import { isBindingType, packageRuntimeOf } from '../model/registry.ts';
import { scanTemplate, TemplateError } from '../model/template.ts';
import type { TemplateScope } from '../model/template.ts';
import type { FlowDocument, FlowNode } from '../model/types.ts';
import { OUTBOUND_DEFAULTS, dropReason } from './broker.ts';
import type { Broker, OutboundLimits, SubscribeOptions } from './broker.ts';
import { redactUrl } from '../model/redact.ts';
import { ConnectorError } from './errors.ts';
import { httpCall } from './http.ts';
import { HTTP_BUSY_CODE, HTTP_CALL_DEFAULTS, HttpCallGate, type HttpCallLimits } from './http-gate.ts';
import { LiveStates } from './live-state.ts';
import { CONNECTOR_RUNTIMES } from './kinds/index.ts';
import { amqpBroker } from './amqp.ts';
import { mqttBroker } from './mqtt.ts';
import { natsBroker } from './nats.ts';
import { redisBroker } from './redis.ts';
import type { Binding, BrokerFactory, ConnectorRuntime, ConnectorTools } from './runtime-kind.ts';

const RUNTIMES: ReadonlyMap<string, ConnectorRuntime> = new Map(CONNECTOR_RUNTIMES.map((r) => [r.id, r]));

/** The brokers the snippet API reaches (`ctx.mqtt(url)`, `ctx.redis(url)`, `ctx.nats(url)`, `ctx.amqp(url)`). */
const SNIPPET_BROKERS: Readonly<Record<SnippetBroker, BrokerFactory>> = { mqtt: mqttBroker, redis: redisBroker, nats: natsBroker, amqp: amqpBroker };

type Raw = Record<string, unknown> & { id: string; type: string };

interface Bound {
  node: Raw;
  runtime: ConnectorRuntime;
}

function bindingsOf(flow: FlowDocument): Map<string, Bound[]> {
  const byId = new Map<string, FlowNode>(flow.nodes.map((n) => [n.id, n]));
  const result = new Map<string, Bound[]>();
  for (const edge of flow.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (from?.type !== 'service' || !to || !isBindingType(to.type)) continue;
    // A package's kind: its Node half, checked for shape when the flow's packages were loaded.
    const runtime = RUNTIMES.get(to.type) ?? (packageRuntimeOf(to.type) as ConnectorRuntime | undefined);
    if (!runtime) continue;
    const list = result.get(from.id) ?? [];
    list.push({ node: to as Raw, runtime });
    result.set(from.id, list);
  }
  return result;
}

/** True when a text field of the node names `${conn.id}`, which exists only once the client is in. */
function namesConnId(node: Raw): boolean {
  return Object.values(node).some((v) => typeof v === 'string' && scanTemplate(v).refs.some((r) => r.path[0] === 'conn' && r.path[1] === 'id'));
}

/**
 * Per service, the bindings a client is subscribed by before its upgrade completes: those whose
 * runtime can hold, but not the ones that name `${conn.id}` (nobody can publish to such a topic
 * before the client has it).
 */
function heldBy(bindings: Map<string, Bound[]>): Map<string, Bound[]> {
  const result = new Map<string, Bound[]>();
  for (const [serviceId, list] of bindings) {
    const held = list.filter((b) => b.runtime.hold !== undefined && !namesConnId(b.node));
    if (held.length > 0) result.set(serviceId, held);
  }
  return result;
}

/** What a client's upgrade subscribed (see admit), ended once its connection's bindings subscribe or it goes away. */
interface Held {
  stops: (() => void)[];
  /** the client's Sec-WebSocket-Key: how its connection finds the hold (a fresh nonce per upgrade) */
  upgradeKey: string;
  ended: boolean;
}

function scopeOf(link: ClientLink, env: TemplateScope['env']): TemplateScope {
  return { env, conn: { id: link.id, path: link.path, service: link.service, params: link.params, query: link.query, headers: link.headers } };
}

/** The flow's `settings.connectorQueue` over the defaults (the schema keeps the values in range). */
export function outboundLimitsOf(flow: FlowDocument): OutboundLimits {
  const q = flow.settings?.connectorQueue;
  return { messages: q?.messages ?? OUTBOUND_DEFAULTS.messages, bytes: q?.bytes ?? OUTBOUND_DEFAULTS.bytes };
}

/** The flow's `settings.httpCalls` over the defaults (the schema keeps the values in range). */
export function httpCallLimitsOf(flow: FlowDocument): HttpCallLimits {
  const h = flow.settings?.httpCalls;
  return { concurrent: h?.concurrent ?? HTTP_CALL_DEFAULTS.concurrent, queued: h?.queued ?? HTTP_CALL_DEFAULTS.queued };
}

export function createConnectors(context: ConnectorContext): ConnectorHost {
  const limits = outboundLimitsOf(context.flow);
  // One gate per flow instance: a reload changes its limits and keeps the calls in flight counted.
  const httpGate = new HttpCallGate(httpCallLimitsOf(context.flow));
  let bindings = bindingsOf(context.flow);
  let held = heldBy(bindings);
  /** Confirmed holds of clients being let in, by Sec-WebSocket-Key (a list: nothing stops a client from reusing one). */
  const letIn = new Map<string, Held[]>();
  const brokers = new Map<string, Broker>();
  /** each open connection's bindings */
  const conns = new Map<number, Binding[]>();
  /** nodes that use each broker: its state changes are reported on them */
  const users = new Map<string, Set<string>>();
  /** each broker's last state, told to a node that starts using it */
  const brokerStates = new Map<string, { state: ConnectorLinkState; reason?: string; code?: string }>();
  const live = new LiveStates((event) => context.emit(event));
  /** publishes that did not reach their broker: node -> reason -> count */
  const drops = new Map<string, Map<string, number>>();
  let closing = false;

  const dropped = (nodeId: string, error: unknown): void => {
    const reason = dropReason(error);
    const byReason = drops.get(nodeId) ?? new Map<string, number>();
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    drops.set(nodeId, byReason);
  };

  const problem = (nodeId: string | undefined, level: 'info' | 'warn' | 'error', code: string, message: string) =>
    context.emit({ kind: 'engine', t: Date.now(), level, code, message, nodeId });
  const outbound = (nodeId: string, connector: string, target: string, t0: number, ok: boolean, result: string, connectionId?: string) =>
    context.emit({ kind: 'outbound', t: Date.now(), nodeId, connector, target, connectionId, durationMs: performance.now() - t0, ok, result });

  function broker(protocol: string, url: string, nodeId: string | undefined, make: BrokerFactory): Broker {
    const key = `${protocol} ${url}`;
    if (nodeId) {
      const set = users.get(key) ?? new Set<string>();
      if (!set.has(nodeId)) {
        set.add(nodeId);
        const known = brokerStates.get(key);
        live.set(nodeId, known?.state ?? 'connecting', known?.reason, known?.code);
      }
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
      const state = (to: ConnectorLinkState, reason?: string, code?: string) => {
        if (closing) return;
        brokerStates.set(key, { state: to, reason, code });
        for (const n of users.get(key) ?? []) live.set(n, to, reason, code);
      };
      b = make(url, status, state, limits);
      brokers.set(key, b);
    }
    return b;
  }

  function deliver(nodeId: string, b: Broker, link: ClientLink, topic: string, options: SubscribeOptions & { as?: 'text' | 'binary' }): () => void {
    const binary = options.as === 'binary';
    const counts = live.counts(nodeId);
    return b.subscribe(topic, options, (_topic, payload) => {
      if (!link.isOpen) return;
      // Bytes go out as they came; only a text that is not UTF-8 is decoded (invalid sequences
      // become U+FFFD), since a text frame must be UTF-8. A slow reader is cut by the engine's
      // send path at the service's maxBufferedBytes, like any other send.
      link.send(binary || isUtf8(payload) ? payload : payload.toString('utf8'), binary);
      counts.in++;
    });
  }

  const tools: ConnectorTools = {
    broker,
    deliver,
    problem,
    outbound,
    dropped,
    counts: (nodeId) => live.counts(nodeId),
    state: (nodeId, to, reason, code) => {
      if (!closing) live.set(nodeId, to, reason, code);
    },
  };

  function bindingsOfConnection(num: number): Binding[] {
    let list = conns.get(num);
    if (!list) conns.set(num, (list = []));
    return list;
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
    const list = held.get(serviceId);
    if (!list || closing) return undefined;
    // `${conn.id}` is never filled here (heldBy leaves those bindings out).
    const scope: TemplateScope = { env: context.env, conn: { id: '', service: serviceId, ...upgrade } };
    const h: Held = { stops: [], upgradeKey: upgrade.headers['sec-websocket-key'] ?? '', ended: false };
    const answers: Promise<string | undefined>[] = [];
    for (const { node, runtime } of list) {
      try {
        const hold = runtime.hold?.(node, scope, tools);
        if (!hold) continue;
        h.stops.push(hold.stop);
        answers.push(
          hold.confirmed.then((refusal) => {
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

  return {
    admit,

    opened(serviceId, makeLink) {
      const list = bindings.get(serviceId);
      if (!list) return;
      const link = makeLink();
      const scope = scopeOf(link, context.env);
      // Its subscriptions are this connection's own once bound: the hold that let the client in ends after.
      const hold = letIn.get(link.headers['sec-websocket-key'] ?? '')?.[0];
      const mine = bindingsOfConnection(link.num);
      for (const { node, runtime } of list) {
        try {
          mine.push(runtime.bind(link, node, scope, tools));
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
      const list = conns.get(num);
      if (!list) return;
      const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (const b of list) b.fromClient?.(data, binary);
    },

    closed(num, code, reason) {
      const list = conns.get(num);
      if (!list) return;
      conns.delete(num);
      for (const b of list) b.closed(code, reason);
    },

    async call(call: ConnectorCall, _serviceId: string, link: ClientLink | undefined, connectionId: string): Promise<unknown> {
      const nodeId = call.nodeId ?? '';
      const t0 = performance.now();
      try {
        if (call.kind === 'http') {
          const target = `${(call.request.method ?? 'GET').toUpperCase()} ${redactUrl(call.request.url)}`;
          const result = await httpGate.run(target, () => httpCall(call.request));
          outbound(nodeId, 'http', target, t0, true, `${result.status}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}`, connectionId || undefined);
          return result;
        }
        const b = broker(call.broker, call.url, call.nodeId, SNIPPET_BROKERS[call.broker]);
        if (call.kind === 'publish') {
          await b.publish(call.topic, call.payload, { qos: call.qos, retain: call.retain, exchange: call.exchange });
          if (call.nodeId) live.counts(call.nodeId).out++;
          outbound(nodeId, call.broker, `publish ${call.topic}`, t0, true, 'published', connectionId || undefined);
          return undefined;
        }
        if (!link || !link.isOpen) throw new ConnectorError('WSF_CONNECTOR_NO_CONNECTION', 'subscribe() needs an open connection');
        const stop = deliver(nodeId, b, link, call.topic, call);
        bindingsOfConnection(link.num).push({ closed: stop });
        return undefined;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const target = call.kind === 'http' ? `${(call.request.method ?? 'GET').toUpperCase()} ${redactUrl(call.request.url)}` : `${call.kind} ${call.topic}`;
        outbound(nodeId, call.kind === 'http' ? 'http' : call.broker, target, t0, false, message, connectionId || undefined);
        // A call the gate refused is a drop too (a failed request is the API's answer, not ours).
        if (call.kind === 'http' && nodeId && error instanceof ConnectorError && error.code === HTTP_BUSY_CODE) dropped(nodeId, error);
        if (call.kind !== 'publish') throw error;
        // The snippet's rejected promise names the node, so a chain with several publishes tells which one failed.
        if (nodeId) dropped(nodeId, error);
        const where = nodeId ? `${call.broker} publish of node '${nodeId}'` : `${call.broker} publish`;
        throw error instanceof ConnectorError ? new ConnectorError(error.code, `${where} on '${call.topic}' failed: ${error.text}`) : error;
      }
    },

    *drops(): Iterable<ConnectorDrops> {
      for (const [node, byReason] of drops) for (const [reason, count] of byReason) yield { node, reason, count };
    },

    reload(flow) {
      // New bindings apply to connections that open from now on; open ones keep theirs.
      bindings = bindingsOf(flow);
      held = heldBy(bindings);
      httpGate.limits = httpCallLimitsOf(flow);
    },

    async close() {
      closing = true;
      live.close();
      for (const holds of [...letIn.values()]) for (const h of [...holds]) endHeld(h);
      for (const list of conns.values()) for (const b of list) (b.terminate ?? (() => b.closed(1001, 'stopping')))();
      conns.clear();
      await Promise.all([...brokers.values()].map((b) => b.close()));
      brokers.clear();
    },
  };
}
