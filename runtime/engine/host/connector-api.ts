/**
 * The connector part of the snippet API (`ctx.env`, `ctx.http`, `ctx.mqtt(url)`, `ctx.redis(url)`),
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
 * Adds the connector API to a service's shared context object. `numOf` maps a snippet's `conn`
 * to its connection number (undefined for anything that is not one of ours).
 */
export function connectorApi(service: { idx: number }, sink: HostSink, numOf: (conn: unknown) => number | undefined): object {
  const connNum = (conn: unknown): number => {
    const num = numOf(conn);
    if (num === undefined) throw new TypeError('subscribe() needs the connection (conn) that receives the messages');
    return num;
  };
  const call = (num: number, c: ConnectorCall) => sink.request(ACT_CONNECTOR, service.idx, num, c);
  const broker = (kind: 'mqtt' | 'redis') => (url: string) => {
    if (typeof url !== 'string' || url === '') throw new TypeError(`ctx.${kind}(url) needs the broker URL, e.g. ctx.env.${kind === 'mqtt' ? 'MQTT_URL' : 'REDIS_URL'}`);
    return Object.freeze({
      publish: (topic: string, payload: unknown, options: PublishOptions = {}) =>
        call(0, { kind: 'publish', broker: kind, url, topic: String(topic), payload: payloadOf(payload), qos: options.qos, retain: options.retain, nodeId: currentNode() }),
      subscribe: (conn: unknown, topic: string, options: SubscribeOptions = {}) =>
        call(connNum(conn), { kind: 'subscribe', broker: kind, url, topic: String(topic), qos: options.qos, as: options.as, pattern: options.pattern, nodeId: currentNode() }),
    });
  };
  return {
    // A snapshot: the worker's copy of the process environment (dotenv values included).
    env: Object.freeze({ ...process.env }),
    http: (request: HttpCallSpec) => {
      if (!request || typeof request.url !== 'string') throw new TypeError('ctx.http({ url }) needs a url');
      const body = request.body === undefined || typeof request.body === 'string' ? request.body : payloadOf(request.body);
      return call(0, { kind: 'http', request: { ...request, body }, nodeId: currentNode() });
    },
    mqtt: broker('mqtt'),
    redis: broker('redis'),
  };
}
