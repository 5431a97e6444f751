import { MOSQUITTO, eventPayload, urlField } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind, type Part } from '../node-kind.ts';

export default defineKind({
  id: 'mqttOut',
  title: 'MQTT publish',
  category: 'connector',
  group: 'Integration',
  order: 4,
  icon: '⇡',
  baseId: 'mqtt-out',
  help: 'Publishes on an MQTT topic (one shared broker connection per URL). Wired from a service instead of a chain, it publishes every message of every connection.',
  fields: {
    url: urlField('mqtt://, mqtts://, ws://', '${env.MQTT_URL}'),
    topic: { kind: 'template', required: true, help: 'Topic, a template: `sensors/${conn.params.topic}` (no wildcards).' },
    payload: { kind: 'template', roles: ['chain'], help: 'In a chain: what to publish, a template (default: the text, or the bytes of a binary message).' },
    qos: { kind: 'enum', values: [0, 1, 2], default: 0, help: 'QoS 0, 1 or 2.' },
    retain: { kind: 'boolean', default: false, help: 'Retain the message on the broker.' },
  },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  binding: true,
  summary: ['topic'],
  composeBroker: MOSQUITTO,
  defaults: { url: '${env.MQTT_URL}', topic: '${conn.params.topic}' },
  check(node, c) {
    if (c.role === 'binding' && typeof node.topic === 'string' && /[+#]/.test(node.topic)) {
      c.error('invalid', `'topic' of '${String(node.id)}' is where messages are published and cannot hold the wildcards + or #.`, 'topic');
    }
  },
  isAsync: () => true,
  emit(e) {
    const options: Part[] = [];
    if (e.has('qos')) options.push('qos: ', e.x('qos'));
    if (e.raw.retain === true) options.push(options.length ? ', ' : '', 'retain: true');
    e.line(`${e.await}${e.ctx}.mqtt(`, e.t('url'), ').publish(', e.t('topic'), ', ', e.has('payload') ? e.t('payload') : eventPayload(e), ...(options.length ? [', { ', ...options, ' }'] : []), ');');
  },
});
