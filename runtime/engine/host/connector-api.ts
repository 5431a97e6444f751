/**
 * The connector part of the snippet API (`ctx.env`, `ctx.http`, `ctx.mqtt(url)`, `ctx.redis(url)`, `ctx.nats(url)`, `ctx.amqp(url)`),
 * inside the handler-host worker. Every call becomes one ACT_CONNECTOR request: the I/O itself runs
 * on the main thread (runtime/connectors/), where broker connections are shared by the whole flow
 * instance and survive a replaced worker, and where subscriptions can reach the sockets directly.
 */
import { ACT_CONNECTOR } from './protocol.ts';
import type { ConnectorCall, HttpCallSpec } from './protocol.ts';
import type { HostSink } from './objects.ts';
import { H } from './state.ts';

interface PublishOptions {
  qos?: number;
  retain?: boolean;
}

interface SubscribeOptions {
  qos?: number;
  as?: 'text' | 'binary';
  pattern?: boolean;
}

/** The node whose code is running: outcomes and errors are reported on it. */
function currentNode(): string | undefined {
  return (H.current ?? H.resumedHint)?.node.id;
}

function payloadOf(data: unknown): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return data.slice();
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError('publish() needs a string, bytes or a JSON value');
  return json;
}

/**
 * A chain step's connector call that failed carries the step's node id here (a symbol: nothing a
 * snippet sees). The failure then names the step, not its handler (snippets.ts toFailure): the
 * rejection is made on the main thread's reply, with no frame of the chain in its stack.
 */
export const FAILED_STEP = Symbol('wsflow.failedStep');

/** On a service's context: `(step) => the connector API for that chain step` (chain.ts stepContext). */
export const STEP_API = Symbol('wsflow.stepApi');

/** The step a connector call's rejection came from (a chain step's context set it). */
export function failedStepOf(error: unknown): string | undefined {
  const step = typeof error === 'object' && error !== null ? (error as { [FAILED_STEP]?: unknown })[FAILED_STEP] : undefined;
  return typeof step === 'string' ? step : undefined;
}

/**
 * Adds the connector API to a service's shared context object. `numOf` maps a snippet's `conn`
 * to its connection number (undefined for anything that is not one of ours). Calls are reported
 * on the node whose code is running, or with `step` on that action node of a chain (chain.ts
 * stepContext), which also tags their rejections.
 */
export function connectorApi(service: { idx: number }, sink: HostSink, numOf: (conn: unknown) => number | undefined, step?: string): object {
  const nodeOf = step === undefined ? currentNode : () => step;
  const tag = (error: unknown): never => {
    if (typeof error === 'object' && error !== null) Object.assign(error, { [FAILED_STEP]: step });
    throw error;
  };
  const connNum = (conn: unknown): number => {
    const num = numOf(conn);
    if (num === undefined) throw new TypeError('subscribe() needs the connection (conn) that receives the messages');
    return num;
  };
  // A step's calls cost one more promise, for the tag; a snippet's calls none.
  const call = step !== undefined ? (num: number, c: ConnectorCall) => sink.request(ACT_CONNECTOR, service.idx, num, c).catch(tag) : (num: number, c: ConnectorCall) => sink.request(ACT_CONNECTOR, service.idx, num, c);
  const needsUrl = (kind: string, url: unknown) => {
    if (typeof url !== 'string' || url === '') throw new TypeError(`ctx.${kind}(url) needs the broker URL, e.g. ctx.env.${kind.toUpperCase()}_URL`);
  };
  const broker = (kind: 'mqtt' | 'redis') => (url: string) => {
    needsUrl(kind, url);
    return Object.freeze({
      publish: (topic: string, payload: unknown, options: PublishOptions = {}) =>
        call(0, { kind: 'publish', broker: kind, url, topic: String(topic), payload: payloadOf(payload), qos: options.qos, retain: options.retain, nodeId: nodeOf() }),
      subscribe: (conn: unknown, topic: string, options: SubscribeOptions = {}) =>
        call(connNum(conn), { kind: 'subscribe', broker: kind, url, topic: String(topic), qos: options.qos, as: options.as, pattern: options.pattern, nodeId: nodeOf() }),
    });
  };
  const nats = (url: string) => {
    needsUrl('nats', url);
    return Object.freeze({
      publish: (subject: string, payload: unknown) => call(0, { kind: 'publish', broker: 'nats', url, topic: String(subject), payload: payloadOf(payload), nodeId: nodeOf() }),
      subscribe: (conn: unknown, subject: string, options: { queue?: string; as?: 'text' | 'binary' } = {}) =>
        call(connNum(conn), { kind: 'subscribe', broker: 'nats', url, topic: String(subject), queue: options.queue, as: options.as, nodeId: nodeOf() }),
    });
  };
  // AMQP names an exchange beside the routing key, so its calls take one more argument.
  const amqp = (url: string) => {
    needsUrl('amqp', url);
    return Object.freeze({
      publish: (exchange: string, routingKey: string, payload: unknown) =>
        call(0, { kind: 'publish', broker: 'amqp', url, exchange: String(exchange), topic: String(routingKey), payload: payloadOf(payload), nodeId: nodeOf() }),
      subscribe: (conn: unknown, exchange: string, routingKey: string, options: { as?: 'text' | 'binary' } = {}) =>
        call(connNum(conn), { kind: 'subscribe', broker: 'amqp', url, exchange: String(exchange), topic: String(routingKey), as: options.as, nodeId: nodeOf() }),
    });
  };
  return {
    // A snapshot: the worker's copy of the process environment (dotenv values included).
    env: Object.freeze({ ...process.env }),
    http: (request: HttpCallSpec) => {
      if (!request || typeof request.url !== 'string') throw new TypeError('ctx.http({ url }) needs a url');
      const body = request.body === undefined || typeof request.body === 'string' ? request.body : payloadOf(request.body);
      return call(0, { kind: 'http', request: { ...request, body }, nodeId: nodeOf() });
    },
    mqtt: broker('mqtt'),
    redis: broker('redis'),
    nats,
    amqp,
  };
}
