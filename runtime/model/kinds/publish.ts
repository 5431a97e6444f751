import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';
import { CHANNEL_FIELD, channelArg } from '../channels.ts';

export default defineKind({
  id: 'publish',
  title: 'Publish',
  category: 'action',
  group: 'Send',
  order: 7,
  icon: '⊙',
  help: 'Publishes to a channel: every subscriber (the publisher included, on every instance) gets `{"channel","offset","data"}`; kept in the channel’s history.',
  fields: {
    channel: CHANNEL_FIELD,
    message: { kind: 'template', help: 'The data, a text template: `${text}` (a JSON string in the envelope).' },
    value: { kind: 'expr', help: 'Or an expression whose JSON value is the data: `{ from: conn.params.name, text }`.' },
  },
  oneOf: ['message', 'value'],
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['channel', 'message', 'value'],
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}ctx.channel(`, channelArg(e), ', conn).publish(', e.has('message') ? e.t('message') : e.x('value', 'undefined'), ');');
  },
});
