import { defineKind, type Part } from '../node-kind.ts';

export default defineKind({
  id: 'accept',
  title: 'Accept',
  category: 'action',
  group: 'Connection',
  order: 2,
  icon: '✓',
  help: 'Accepts the upgrade (upgrader chains only), optionally with a first message.',
  fields: {
    firstMessage: { kind: 'template', help: 'Sent right after the handshake, a template.' },
    protocol: { kind: 'expr', help: 'The subprotocol to pick, one of `req.protocols`.' },
  },
  ports: [],
  chain: ['upgrader'],
  summary: ['firstMessage'],
  emit(e) {
    const parts: Part[] = ['return { accept: true'];
    if (e.has('firstMessage')) parts.push(', firstMessage: ', e.t('firstMessage'));
    if (e.has('protocol')) parts.push(', protocol: ', e.x('protocol'));
    e.line(...parts, ' };');
  },
});
