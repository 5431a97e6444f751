import natsIn from '../../model/kinds/nats-in.ts';
import { renderTemplate } from '../../model/template.ts';
import { SUBSCRIBE_WAIT_MS } from '../broker.ts';
import { natsBroker } from '../nats.ts';
import { defineRuntime } from '../runtime-kind.ts';

/** A value from the client may not widen the subject (nor split a protocol line). */
export const noNatsWildcard = (v: string) => (/[*>\s]/.test(v) || v.includes('\u0000') ? 'holds a NATS wildcard (* or >) or whitespace' : undefined);

/** The listener a hold subscribes with: it only keeps the subscription alive until the binding's own. */
const HOLDING = () => undefined;

export default defineRuntime(natsIn, {
  bind(link, node, scope, tools) {
    const broker = tools.broker('nats', renderTemplate(node.url, scope), node.id, natsBroker);
    const subject = renderTemplate(node.subject, scope, noNatsWildcard);
    const queue = node.queue === undefined ? undefined : renderTemplate(node.queue, scope, noNatsWildcard);
    const stop = tools.deliver(node.id, broker, link, subject, { queue: queue || undefined, as: 'text' });
    return { closed: stop };
  },
  hold(node, scope, tools) {
    const broker = tools.broker('nats', renderTemplate(node.url, scope), node.id, natsBroker);
    const subject = renderTemplate(node.subject, scope, noNatsWildcard);
    // A queue member that only held would take its share of the group's messages and drop them: let it in at once.
    if (node.queue) return { stop: () => undefined, confirmed: Promise.resolve(undefined) };
    const stop = broker.subscribe(subject, {}, HOLDING);
    return { stop, confirmed: broker.confirmed?.(subject, {}, SUBSCRIBE_WAIT_MS) ?? Promise.resolve(undefined) };
  },
});
