import { CHAIN_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'delay',
  title: 'Delay',
  category: 'action',
  group: 'Advanced',
  order: 2,
  icon: '◔',
  help: 'Waits before the next step (later messages of the connection wait too).',
  fields: { ms: { kind: 'expr', required: true, help: 'Milliseconds.' } },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['ms'],
  isAsync: () => true,
  emit(e) {
    e.line(`${e.await}new Promise<void>((resolve) => setTimeout(resolve, `, e.x('ms', '0'), '));');
  },
});
