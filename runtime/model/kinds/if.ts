import { CHAIN_EVENTS, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'if',
  title: 'If',
  category: 'action',
  group: 'Flow',
  order: 1,
  icon: '◇',
  help: 'Goes on at `then` when the condition is true, else at `else`.',
  fields: { condition: { kind: 'expr', required: true, help: 'A TypeScript condition, e.g. `conn.query.age !== undefined`.' } },
  ports: ['then', 'else'],
  chain: CHAIN_EVENTS,
  summary: ['condition'],
  emit(e) {
    e.line('if (', e.bare('condition', 'false'), ') {');
    e.indent(1);
    e.follow('then');
    e.indent(-1);
    if (e.wired('else')) {
      e.line('} else {');
      e.indent(1);
      e.follow('else');
      e.indent(-1);
    }
    e.line('}');
  },
});
