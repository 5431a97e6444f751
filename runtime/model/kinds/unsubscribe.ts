import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';
import { CHANNEL_FIELD, channelArg } from '../channels.ts';

export default defineKind({
  id: 'unsubscribe',
  title: 'Unsubscribe',
  category: 'action',
  group: 'Send',
  order: 6,
  icon: '⊖',
  help: 'Ends the connection’s subscription to a channel (a closed connection leaves all of its channels by itself).',
  fields: { channel: CHANNEL_FIELD },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['channel'],
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}conn.unsubscribe(`, channelArg(e), ');');
  },
});
