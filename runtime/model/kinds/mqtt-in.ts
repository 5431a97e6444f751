import { MOSQUITTO, urlField } from '../kind-helpers.ts';
import { defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'mqttIn',
  title: 'MQTT subscribe',
  category: 'connector',
  group: 'Integration',
  order: 3,
  icon: '⇣',
  baseId: 'mqtt-in',
  help: 'Subscribes each connection of the service to an MQTT topic filter; every message goes to the client. The client is let in once the broker confirms the subscription.',
  fields: {
    url: urlField('mqtt://, mqtts://, ws://', '${env.MQTT_URL}'),
    topic: { kind: 'template', required: true, help: 'Topic filter; + and # wildcards.' },
    qos: { kind: 'enum', values: [0, 1, 2], default: 0, help: 'Subscription QoS.' },
    as: { kind: 'enum', values: ['text', 'binary'], default: 'text', help: 'Frame type sent to the client.' },
  },
  binding: true,
  summary: ['topic'],
  composeBroker: MOSQUITTO,
  defaults: { url: '${env.MQTT_URL}', topic: '${conn.params.topic}' },
});
