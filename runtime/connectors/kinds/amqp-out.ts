import amqpOut from '../../model/kinds/amqp-out.ts';
import { renderTemplate } from '../../model/template.ts';
import { amqpBroker } from '../amqp.ts';
import { publishBinding } from '../publish-binding.ts';
import { defineRuntime } from '../runtime-kind.ts';
import { noAmqpWildcard } from './amqp-in.ts';

export default defineRuntime(amqpOut, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('amqp', renderTemplate(node.url, scope), node.id, amqpBroker);
    const exchange = renderTemplate(node.exchange, scope, noAmqpWildcard);
    return publishBinding(link, node.id, broker, renderTemplate(node.routingKey, scope, noAmqpWildcard), { exchange }, tools);
  },
});
