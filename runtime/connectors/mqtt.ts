/**
 * MQTT with MQTT.js: one client per broker URL for the flow instance. It reconnects by itself
 * with exponential backoff (MQTT.js reads `reconnectPeriod` before every attempt, so the period
 * is raised after each failure and reset once connected). Every filter is subscribed again on
 * reconnect here, not by MQTT.js, so that each subscription knows when the broker confirmed it
 * (its SUBACK): a bridged client is let in only then. Publishes go through the connection's
 * bounded Outbound (broker.ts): while the broker is away or stalled they wait within that bound
 * (a QoS 0 publish until MQTT.js has written it, QoS 1/2 until its PUBACK/PUBCOMP) and past it
 * fail at once, so nothing piles up and no two publishes in flight share a message id.
 */
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { RECONNECT, backoffDelay } from './backoff.ts';
import { redactUrl } from '../model/redact.ts';
import { BrokerHealth, MAX_OUTBOUND_MESSAGES, Outbound, Subscriptions, refusalOf } from './broker.ts';
import type { Broker, Listener, OutboundLimits, PublishOptions, StateListener, StatusListener, SubscribeOptions, Subscription } from './broker.ts';
import { filterProblem, topicMatches } from './topic-match.ts';
import { ConnectorError } from './errors.ts';

const QOS = (q: number | undefined): 0 | 1 | 2 => (q === 1 || q === 2 ? q : 0);

export function mqttBroker(url: string, status: StatusListener, state: StateListener, limits: OutboundLimits): Broker {
  const shown = redactUrl(url);
  let failures = 0;
  const health = new BrokerHealth({ unavailable: 'WSF_MQTT_UNAVAILABLE', reconnected: 'WSF_MQTT_RECONNECTED' }, `the MQTT broker ${shown}`, shown, status, state);
  const outbound = new Outbound({ ...limits, messages: Math.min(limits.messages, MAX_OUTBOUND_MESSAGES) }, `the MQTT broker ${shown}`, health);
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
    health.connected();
    // A clean session starts with no subscriptions: renew the ones the last connection had.
    for (const entry of subs.byKey.values()) {
      if (entry.state === 'lost') {
        if (connack.sessionPresent) subs.settle(entry, 'confirmed');
        else send(entry);
      }
    }
  });
  /** QoS 0 publishes handed to MQTT.js and not yet written: failed when the socket closes. */
  const unwritten = new Set<() => void>();
  client.on('close', () => {
    for (const cut of [...unwritten]) cut();
    unwritten.clear();
    for (const entry of subs.byKey.values()) if (entry.state === 'confirmed') subs.settle(entry, 'lost');
  });
  const lost = (why: string) => {
    failures++;
    client.options.reconnectPeriod = backoffDelay(failures + 1, RECONNECT);
    health.lost(why);
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
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return outbound.send(body.byteLength, () => {
        // Connected a moment ago but closed since: MQTT.js would queue it for the next connection.
        if (!client.connected) return Promise.reject(new ConnectorError('WSF_MQTT_UNAVAILABLE', `the MQTT broker ${shown} is not connected`));
        const qos = QOS(options.qos);
        return new Promise<void>((resolve, reject) => {
          // QoS 0: MQTT.js calls back once the socket took it, which a socket closed meanwhile never does.
          const cut = () => reject(new ConnectorError('WSF_MQTT_UNAVAILABLE', `the connection to the MQTT broker ${shown} closed before the publish was written`));
          if (qos === 0) unwritten.add(cut);
          client.publish(topic, body, { qos, retain: options.retain === true }, (error) => {
            unwritten.delete(cut);
            if (error) reject(new ConnectorError('WSF_MQTT_PUBLISH', error.message));
            else resolve();
          });
        });
      });
    },
    async close() {
      await client.endAsync(true).catch(() => undefined);
    },
  };
}
