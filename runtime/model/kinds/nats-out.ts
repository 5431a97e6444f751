import { eventPayload, urlField } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';
import { NATS, natsSubjectProblem } from './nats-in.ts';

export default defineKind({
  id: 'natsOut',
  title: 'NATS publish',
  category: 'connector',
  group: 'Integration',
  order: 8,
  icon: '⇡',
  baseId: 'nats-out',
  help: 'Publishes on a NATS subject (one shared connection per URL). Wired from a service instead of a chain, it publishes every message of every connection.',
  fields: {
    url: urlField('nats://, tls://', '${env.NATS_URL}'),
    subject: { kind: 'template', required: true, help: 'Subject, a template: `sensors.${conn.params.subject}` (no wildcards).' },
    message: { kind: 'template', roles: ['chain'], help: 'In a chain: what to publish, a template (default: the text, or the bytes of a binary message).' },
  },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  binding: true,
  summary: ['subject'],
  composeBroker: NATS,
  defaults: { url: '${env.NATS_URL}', subject: '${conn.params.subject}' },
  check(node, c) {
    // In a chain the subject is TypeScript and may compute anything; as a binding its literal parts are known.
    if (c.role !== 'binding' || typeof node.subject !== 'string' || node.subject.includes('${')) return;
    const problem = natsSubjectProblem(node.subject, false);
    if (problem) c.error('invalid', `'subject' of '${String(node.id)}' is where messages are published: ${problem}.`, 'subject');
  },
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}${e.ctx}.nats(`, e.t('url'), ').publish(', e.t('subject'), ', ', e.has('message') ? e.t('message') : eventPayload(e), ');');
  },
});
