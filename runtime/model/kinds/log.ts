import { CHAIN_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'log',
  title: 'Log',
  category: 'action',
  group: 'Advanced',
  order: 1,
  icon: '✎',
  help: 'Writes a line to the service log (and the designer trace).',
  fields: {
    level: { kind: 'enum', values: ['info', 'warn', 'error'], default: 'info', help: 'Log level.' },
    message: { kind: 'template', required: true, help: 'The line, a template.' },
  },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['message'],
  emit(e) {
    e.line(`ctx.log.${e.str('level', 'info')}(`, e.t('message'), ');');
  },
});
