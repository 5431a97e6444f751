import mqttOut from '../../model/kinds/mqtt-out.ts';
import { renderTemplate } from '../../model/template.ts';
import { mqttBroker } from '../mqtt.ts';
import { publishBinding } from '../publish-binding.ts';
import { defineRuntime } from '../runtime-kind.ts';
import { noMqttWildcard } from './mqtt-in.ts';

export default defineRuntime(mqttOut, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('mqtt', renderTemplate(node.url, scope), node.id, mqttBroker);
    return publishBinding(link, node.id, broker, renderTemplate(node.topic, scope, noMqttWildcard), { qos: node.qos, retain: node.retain }, tools);
  },
});
