import mqttIn from '../../model/kinds/mqtt-in.ts';
import { renderTemplate } from '../../model/template.ts';
import { SUBSCRIBE_WAIT_MS } from '../broker.ts';
import { mqttBroker } from '../mqtt.ts';
import { defineRuntime } from '../runtime-kind.ts';

/** A value from the client may not widen the filter. */
export const noMqttWildcard = (v: string) => (/[+#]/.test(v) || v.includes('\u0000') ? 'holds an MQTT wildcard (+ or #)' : undefined);

/** The listener a hold subscribes with: it only keeps the subscription alive until the binding's own. */
const HOLDING = () => undefined;

export default defineRuntime(mqttIn, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('mqtt', renderTemplate(node.url, scope), node.id, mqttBroker);
    const stop = tools.deliver(node.id, broker, link, renderTemplate(node.topic, scope, noMqttWildcard), { qos: node.qos, as: node.as });
    return { closed: stop };
  },
  hold(node, scope, tools) {
    const broker = tools.broker('mqtt', renderTemplate(node.url, scope), node.id, mqttBroker);
    const topic = renderTemplate(node.topic, scope, noMqttWildcard);
    const stop = broker.subscribe(topic, { qos: node.qos }, HOLDING);
    return { stop, confirmed: broker.confirmed?.(topic, { qos: node.qos }, SUBSCRIBE_WAIT_MS) ?? Promise.resolve(undefined) };
  },
});
