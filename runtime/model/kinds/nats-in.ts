import { urlField } from '../kind-helpers.ts';
import { defineKind, type ComposeBroker } from '../node-kind.ts';

/** The official image listens on 4222 for every interface with no config. */
export const NATS: ComposeBroker = { service: 'nats', image: 'nats:2', url: 'nats://nats:4222' };

/** A NATS subject: dot-separated tokens, none empty, no whitespace; `>` only as the last token. */
export function natsSubjectProblem(subject: string, wildcards: boolean): string | undefined {
  if (subject === '') return 'a subject cannot be empty';
  if (/\s/.test(subject)) return `a subject has no whitespace (in '${subject}')`;
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '') return `a subject has no empty token (in '${subject}')`;
    if (!/[*>]/.test(token)) continue;
    if (!wildcards) return `a subject published on cannot hold the wildcards * or > (in '${subject}')`;
    if (token.length > 1) return `'${token.includes('>') ? '>' : '*'}' must be a whole token (in '${subject}')`;
    if (token === '>' && i !== tokens.length - 1) return `'>' must be the last token (in '${subject}')`;
  }
  return undefined;
}

/** Only literal parts are checked here: a `${...}` part is filled in per connection and checked then. */
const literal = (value: unknown) => (typeof value === 'string' && !value.includes('${') ? value : undefined);

export default defineKind({
  id: 'natsIn',
  title: 'NATS subscribe',
  category: 'connector',
  group: 'Integration',
  order: 7,
  icon: '⇣',
  baseId: 'nats-in',
  help: 'Subscribes each connection of the service to a NATS subject; every message goes to the client as text. The client is let in once the server confirms the subscription.',
  fields: {
    url: urlField('nats://, tls://', '${env.NATS_URL}'),
    subject: { kind: 'template', required: true, help: 'Subject, a template; wildcards * (one token) and > (the rest).' },
    queue: { kind: 'template', help: 'Queue group: each message goes to one connection of the group instead of all.' },
  },
  binding: true,
  summary: ['subject'],
  composeBroker: NATS,
  defaults: { url: '${env.NATS_URL}', subject: '${conn.params.subject}' },
  check(node, c) {
    const subject = literal(node.subject);
    const problem = subject === undefined ? undefined : natsSubjectProblem(subject, true);
    if (problem) c.error('invalid', `'subject' of '${String(node.id)}': ${problem}.`, 'subject');
  },
});
