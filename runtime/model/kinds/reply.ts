import { MESSAGE_FIELDS, sendPayload } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'reply',
  title: 'Reply',
  category: 'action',
  group: 'Send',
  order: 1,
  icon: '↩',
  help: 'Sends a message to the current connection.',
  fields: MESSAGE_FIELDS,
  oneOf: ['message', 'value'],
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['message', 'value'],
  emit(e) {
    e.line('conn.send(', sendPayload(e), ');');
  },
});
