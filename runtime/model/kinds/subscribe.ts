import { CONNECTION_EVENTS, defineKind } from '../node-kind.ts';
import { CHANNEL_FIELD, channelArg } from '../channels.ts';

export default defineKind({
  id: 'subscribe',
  title: 'Subscribe',
  category: 'action',
  group: 'Send',
  order: 5,
  icon: '⊕',
  help: 'Subscribes the connection to a channel the service declares. With `since`, first replays what it missed: `recovered` when the history still reaches back, else `notRecovered` (nothing replayed).',
  fields: {
    channel: CHANNEL_FIELD,
    since: { kind: 'expr', help: 'The last offset the client saw, e.g. `conn.query.since`; undefined = live only.' },
    member: { kind: 'template', help: 'Who joins, for presence (default `${conn.id}`).' },
  },
  ports: ['recovered', 'notRecovered'],
  chain: CONNECTION_EVENTS,
  summary: ['channel'],
  isAsync: () => true,
  emit(e) {
    const joined = `joined${e.uid}`;
    const options = ['{ since: ', e.x('since', 'undefined'), ...(e.has('member') ? [', member: ', e.t('member')] : []), ' }'];
    e.line(`const ${joined} = ${e.await}conn.subscribe(`, channelArg(e), ', ', ...options, ');');
    e.line(`if (${joined}.recovered) {`);
    e.indent(1);
    e.follow('recovered');
    e.indent(-1);
    if (e.wired('notRecovered')) {
      e.line('} else {');
      e.indent(1);
      e.follow('notRecovered');
      e.indent(-1);
    }
    e.line('}');
  },
});
