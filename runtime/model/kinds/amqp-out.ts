import { eventPayload } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';
import { AMQP_DEFAULTS, AMQP_URL, checkExchange, EXCHANGE_FIELD, RABBITMQ } from './amqp-in.ts';

export default defineKind({
  id: 'amqpOut',
  title: 'AMQP publish',
  category: 'connector',
  group: 'Integration',
  order: 10,
  icon: '⇡',
  baseId: 'amqp-out',
  help: 'Publishes to a topic exchange (RabbitMQ, AMQP 0-9-1) with a routing key; done once the broker confirms it. Wired from a service instead of a chain, it publishes every message of every connection.',
  fields: {
    url: AMQP_URL,
    exchange: EXCHANGE_FIELD,
    routingKey: { kind: 'template', required: true, help: 'Routing key, a template: `sensors.${conn.params.key}` (no wildcards).' },
    message: { kind: 'template', roles: ['chain'], help: 'In a chain: what to publish, a template (default: the text, or the bytes of a binary message).' },
  },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  binding: true,
  summary: ['routingKey'],
  composeBroker: RABBITMQ,
  defaults: AMQP_DEFAULTS,
  check(node, c) {
    checkExchange(node, c);
    if (c.role === 'binding' && typeof node.routingKey === 'string' && /[*#]/.test(node.routingKey.replace(/\$\{[^}]*\}/g, ''))) {
      c.error('invalid', `'routingKey' of '${String(node.id)}' is what messages are published with and cannot hold the wildcards * or #.`, 'routingKey');
    }
  },
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}${e.ctx}.amqp(`, e.t('url'), ').publish(', e.t('exchange'), ', ', e.t('routingKey'), ', ', e.has('message') ? e.t('message') : eventPayload(e), ');');
  },
});
