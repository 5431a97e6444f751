import { MESSAGE_FIELDS, sendPayload } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'broadcast',
  title: 'Broadcast',
  category: 'action',
  group: 'Send',
  order: 2,
  icon: '⇶',
  help: 'Sends a message to every connection of the service (on every instance).',
  fields: { ...MESSAGE_FIELDS, exceptSender: { kind: 'boolean', help: 'Skip the current connection.', default: false } },
  oneOf: ['message', 'value'],
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['message', 'value'],
  emit(e) {
    e.line('ctx.broadcast(', sendPayload(e), e.raw.exceptSender === true ? ', { except: conn });' : ');');
  },
});
