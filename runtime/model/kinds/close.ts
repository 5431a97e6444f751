import { CONNECTION_EVENTS, NEXT, defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'close',
  title: 'Close',
  category: 'action',
  group: 'Connection',
  order: 1,
  icon: '⨯',
  help: 'Closes the current connection.',
  fields: {
    code: { kind: 'expr', help: 'Close code, e.g. `1003`.', default: 1000 },
    reason: { kind: 'template', help: 'Close reason (at most 123 bytes).' },
  },
  ports: [NEXT],
  chain: CONNECTION_EVENTS,
  summary: ['code', 'reason'],
  emit(e) {
    e.line('conn.close(', e.x('code', '1000'), ...(e.has('reason') ? [', ', e.t('reason')] : []), ');');
  },
});
