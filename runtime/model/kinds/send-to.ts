import { MESSAGE_FIELDS, present, sendPayload } from '../kind-helpers.ts';
import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'sendTo',
  title: 'Send to',
  category: 'action',
  group: 'Send',
  order: 3,
  icon: '➚',
  help: 'Sends a message to connections chosen by id (`to`) or by an attribute value (`attribute` equals `equals`, connections of this instance).',
  fields: {
    ...MESSAGE_FIELDS,
    to: { kind: 'expr', help: 'A connection id or a list of ids.' },
    attribute: { kind: 'name', help: 'Or: the attribute to match ...' },
    equals: { kind: 'expr', help: '... and the value it must equal.' },
  },
  oneOf: ['message', 'value'],
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['message', 'value'],
  check(node, c) {
    const to = present(node, 'to');
    const attribute = present(node, 'attribute');
    if (to === attribute) {
      c.error(to ? 'conflict' : 'missing', `A sendTo node chooses connections with 'to' (ids) or with 'attribute' and 'equals', exactly one of the two.`, to ? 'attribute' : 'id');
    } else if (attribute && !present(node, 'equals')) {
      c.error('missing', `'equals' is required with 'attribute': the value the attribute must have.`, 'attribute');
    }
  },
  emit(e) {
    if (e.has('to')) {
      e.line('ctx.sendTo(', e.x('to'), ', ', sendPayload(e), ');');
      return;
    }
    const want = `wanted${e.uid}`;
    e.line(`const ${want}: unknown = `, e.x('equals', 'undefined'), ';');
    e.line('ctx.sendTo(ctx.connections.filter((c) => c.attributes[', e.lit('attribute'), `] === ${want}).map((c) => c.id), `, sendPayload(e), ');');
  },
});
