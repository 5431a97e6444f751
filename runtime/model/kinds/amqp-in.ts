import { urlField } from '../kind-helpers.ts';
import { defineKind, type ComposeBroker } from '../node-kind.ts';

/** The official image listens on 5672 with the guest user allowed from its compose network. */
export const RABBITMQ: ComposeBroker = { service: 'rabbitmq', image: 'rabbitmq:3', url: 'amqp://rabbitmq:5672' };

/** AMQP 0-9-1 exchange names: letters, digits, `-`, `_`, `.`, `:` (the amq. prefix is the broker's). */
export function exchangeProblem(exchange: string): string | undefined {
  if (!/^[A-Za-z0-9_.:-]{1,255}$/.test(exchange)) return `an exchange name is 1 to 255 letters, digits, '-', '_', '.' or ':' (not '${exchange}')`;
  if (exchange.startsWith('amq.')) return `'${exchange}': names starting with amq. are reserved for the broker`;
  return undefined;
}

export default defineKind({
  id: 'amqpIn',
  title: 'AMQP subscribe',
  category: 'connector',
  group: 'Integration',
  order: 9,
  icon: '⇣',
  baseId: 'amqp-in',
  help: 'Binds a queue to a topic exchange (RabbitMQ, AMQP 0-9-1) with a routing key; every message goes to the client as text. The client is let in once the queue is bound.',
  fields: {
    url: urlField('amqp://, amqps://', '${env.AMQP_URL}'),
    exchange: { kind: 'template', required: true, help: 'Topic exchange, declared durable if missing.' },
    routingKey: { kind: 'template', required: true, help: 'Binding key, a template; * matches one word, # zero or more.' },
  },
  binding: true,
  summary: ['routingKey'],
  composeBroker: RABBITMQ,
  defaults: { url: '${env.AMQP_URL}', exchange: 'events', routingKey: '${conn.params.key}' },
  check(node, c) {
    const exchange = node.exchange;
    const problem = typeof exchange === 'string' && !exchange.includes('${') ? exchangeProblem(exchange) : undefined;
    if (problem) c.error('invalid', `'exchange' of '${String(node.id)}': ${problem}.`, 'exchange');
  },
});
