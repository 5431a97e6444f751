import amqpIn from '../../model/kinds/amqp-in.ts';
import { renderTemplate } from '../../model/template.ts';
import { amqpBroker } from '../amqp.ts';
import { SUBSCRIBE_WAIT_MS } from '../broker.ts';
import { defineRuntime } from '../runtime-kind.ts';

/** A value from the client may not widen the binding key. */
export const noAmqpWildcard = (v: string) => (/[*#]/.test(v) || v.includes('\u0000') ? 'holds an AMQP wildcard (* or #)' : undefined);

/** The listener a hold subscribes with: it only keeps the queue bound until the binding's own. */
const HOLDING = () => undefined;

export default defineRuntime(amqpIn, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('amqp', renderTemplate(node.url, scope), node.id, amqpBroker);
    const exchange = renderTemplate(node.exchange, scope, noAmqpWildcard);
    const stop = tools.deliver(node.id, broker, link, renderTemplate(node.routingKey, scope, noAmqpWildcard), { exchange, as: 'text' });
    return { closed: stop };
  },
  hold(node, scope, tools) {
    const broker = tools.broker('amqp', renderTemplate(node.url, scope), node.id, amqpBroker);
    const exchange = renderTemplate(node.exchange, scope, noAmqpWildcard);
    const key = renderTemplate(node.routingKey, scope, noAmqpWildcard);
    const stop = broker.subscribe(key, { exchange }, HOLDING);
    return { stop, confirmed: broker.confirmed?.(key, { exchange }, SUBSCRIBE_WAIT_MS) ?? Promise.resolve(undefined) };
  },
});
