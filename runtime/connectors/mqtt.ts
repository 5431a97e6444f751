/**
 * MQTT with MQTT.js: one client per broker URL for the flow instance. It reconnects by itself
 * with exponential backoff (MQTT.js reads `reconnectPeriod` before every attempt, so the period
 * is raised after each failure and reset once connected). Every filter is subscribed again on
 * reconnect here, not by MQTT.js, so that each subscription knows when the broker confirmed it
 * (its SUBACK): a bridged client is let in only then. Publishing while the broker is away fails
 * at once instead of queueing without bound.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { redactUrl } from '../model/redact.ts';
import { PUBLISH_WAIT_MS, refusalOf, Subscriptions, waitUntil } from './broker.ts';
import type { Broker, Listener, PublishOptions, StateListener, StatusListener, SubscribeOptions, Subscription } from './broker.ts';
import { filterProblem, topicMatches } from './topic-match.ts';
import { ConnectorError } from './errors.ts';

const QOS = (q: number | undefined): 0 | 1 | 2 => (q === 1 || q === 2 ? q : 0);

export function mqttBroker(url: string, status: StatusListener, state: StateListener): Broker {
  const shown = redactUrl(url);
  let failures = 0;
  let down = false;
  /** connected now: a loss reads `reconnecting`, a failed attempt after it `down` */
  let up = false;
  const client: MqttClient = mqtt.connect(url, {
    reconnectPeriod: RECONNECT.baseMs,
    connectTimeout: 10_000,
    queueQoSZero: false,
    resubscribe: false,
    clientId: `wsflow_${Math.random().toString(16).slice(2, 10)}`,
  });
  /** SUBSCRIBE (queued by MQTT.js while offline); the entry learns from the SUBACK how it went. */
  const send = (entry: Subscription) => {
    subs.settle(entry, 'sent');
    client.subscribe(entry.topic, { qos: QOS(entry.options.qos) }, (error) => {
      if (!error) return subs.settle(entry, 'confirmed');
      // A SUBACK refusal carries its reason code; other errors are the connection closing.
      if ((error as { code?: unknown }).code === undefined) return subs.settle(entry, 'lost');
      status('error', 'WSF_MQTT_SUBSCRIBE', `subscribing to '${entry.topic}' on ${shown} failed: ${error.message}`);
      subs.settle(entry, { refused: error.message });
    });
  };
  const subs = new Subscriptions(send, (topic) => client.unsubscribe(topic));
  client.on('connect', (connack) => {
    failures = 0;
    client.options.reconnectPeriod = RECONNECT.baseMs;
    if (down) status('info', 'WSF_MQTT_RECONNECTED', `connected to ${shown} again`);
    down = false;
    up = true;
    state('connected');
    // A clean session starts with no subscriptions: renew the ones the last connection had.
    for (const entry of subs.byKey.values()) {
      if (entry.state === 'lost') {
        if (connack.sessionPresent) subs.settle(entry, 'confirmed');
        else send(entry);
      }
    }
  });
  client.on('close', () => {
    for (const entry of subs.byKey.values()) if (entry.state === 'confirmed') subs.settle(entry, 'lost');
  });
  const lost = (why: string) => {
    failures++;
    client.options.reconnectPeriod = backoffDelay(failures + 1, RECONNECT);
    if (!down) status('error', 'WSF_MQTT_UNAVAILABLE', `the MQTT broker ${shown} is not reachable (${why}); retrying with backoff`);
    down = true;
    state(up ? 'reconnecting' : 'down', why, 'WSF_MQTT_UNAVAILABLE');
    up = false;
  };
  client.on('error', (error) => lost(error.message));
  client.on('offline', () => lost('connection lost'));
  client.on('message', (topic, payload) => {
    for (const entry of subs.byKey.values()) {
      if (!topicMatches(entry.topic, topic)) continue;
      for (const listener of entry.listeners) listener(topic, payload);
    }
  });

  return {
    kind: 'mqtt',
    subscribe(topic: string, options: SubscribeOptions, listener: Listener) {
      const problem = filterProblem(topic);
      if (problem) throw new ConnectorError('WSF_MQTT_TOPIC', problem);
      return subs.add(topic, options, listener);
    },
    async confirmed(topic: string, options: SubscribeOptions, ms: number) {
      const state = await subs.answered(topic, options, ms);
      const what = `the MQTT broker ${shown}`;
      return refusalOf(state, ['WSF_MQTT_SUBSCRIBE', (why) => `${what} refused the subscription to '${topic}' (${why})`], ['WSF_MQTT_SUBSCRIBE_TIMEOUT', `${what} did not confirm the subscription to '${topic}' within ${ms / 1000} s`]);
    },
    async publish(topic: string, payload: string | Uint8Array, options: PublishOptions) {
      if (topic === '' || /[+#]/.test(topic)) throw new ConnectorError('WSF_MQTT_TOPIC', `cannot publish on '${topic}': a topic is not empty and has no wildcards`);
      // A broker that is (re)connecting gets a short grace; then the publish fails (nothing queues without bound).
      const up = await waitUntil(() => client.connected, (l) => (client.on('connect', l), () => client.off('connect', l)), PUBLISH_WAIT_MS);
      if (!up) throw new ConnectorError('WSF_MQTT_UNAVAILABLE', `the MQTT broker ${shown} is not connected`);
      const body = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return new Promise<void>((resolve, reject) => {
        client.publish(topic, body, { qos: QOS(options.qos), retain: options.retain === true }, (error) => {
          if (error) reject(new ConnectorError('WSF_MQTT_PUBLISH', error.message));
          else resolve();
        });
      });
    },
    async close() {
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
