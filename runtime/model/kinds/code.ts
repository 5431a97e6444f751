import { mentionsAwait } from '../kind-helpers.ts';
import { CHAIN_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'code',
  title: 'Code',
  category: 'action',
  group: 'Advanced',
  order: 3,
  icon: '{}',
  help: 'TypeScript statements run in the chain scope (the escape hatch); may use `await`.',
  fields: { code: { kind: 'code', required: true, help: 'Statements, e.g. `vars.n = text.length;`.' } },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['code'],
  isAsync: (raw) => mentionsAwait(raw.code),
  emit(e) {
    e.line('{', e.code('code'), '}');
  },
});
