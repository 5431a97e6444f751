import { defineKind } from '../node-kind.ts';

export default defineKind({
  id: 'reject',
  title: 'Reject',
  category: 'action',
  group: 'Connection',
  order: 3,
  icon: '⊘',
  help: 'Refuses the upgrade with an HTTP status (upgrader chains only).',
  fields: {
    status: { kind: 'expr', help: 'HTTP status.', default: 403 },
    reason: { kind: 'template', help: 'Reason text.' },
  },
  ports: [],
  chain: ['upgrader'],
  summary: ['status'],
  emit(e) {
    e.line('return { accept: false, status: ', e.x('status', '403'), ...(e.has('reason') ? [', reason: ', e.t('reason')] : []), ' };');
  },
});
