import { urlField } from '../kind-helpers.ts';
import { defineKind, type ComposeBroker, type KindCheckContext } from '../node-kind.ts';
import type { Obj } from '../is-obj.ts';

/** The official image listens on 5672 with the guest user allowed from its compose network. */
export const RABBITMQ: ComposeBroker = { service: 'rabbitmq', image: 'rabbitmq:3', url: 'amqp://rabbitmq:5672' };

/** AMQP 0-9-1 exchange names: letters, digits, `-`, `_`, `.`, `:` (the amq. prefix is the broker's). */
export function exchangeProblem(exchange: string): string | undefined {
  if (!/^[A-Za-z0-9_.:-]{1,255}$/.test(exchange)) return `an exchange name is 1 to 255 letters, digits, '-', '_', '.' or ':' (not '${exchange}')`;
  if (exchange.startsWith('amq.')) return `'${exchange}': names starting with amq. are reserved for the broker`;
  return undefined;
}

/** Fields, defaults and the exchange check both AMQP kinds share (amqp-out.ts). */
export const AMQP_URL = urlField('amqp://, amqps://', '${env.AMQP_URL}');
export const AMQP_DEFAULTS = { url: '${env.AMQP_URL}', exchange: 'events', routingKey: '${conn.params.key}' };
export const EXCHANGE_FIELD = { kind: 'template', required: true, help: 'Topic exchange, declared durable if missing.' } as const;

export function checkExchange(node: Obj, c: KindCheckContext): void {
  const exchange = node.exchange;
  const problem = typeof exchange === 'string' && !exchange.includes('${') ? exchangeProblem(exchange) : undefined;
  if (problem) c.error('invalid', `'exchange' of '${String(node.id)}': ${problem}.`, 'exchange');
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
    url: AMQP_URL,
    exchange: EXCHANGE_FIELD,
    routingKey: { kind: 'template', required: true, help: 'Binding key, a template; * matches one word, # zero or more.' },
  },
  binding: true,
  summary: ['routingKey'],
  composeBroker: RABBITMQ,
  defaults: AMQP_DEFAULTS,
  check: checkExchange,
});
