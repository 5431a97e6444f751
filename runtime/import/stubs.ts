/**
 * Stub handlers for an imported service: onOpen, onText and onClose that type-check against the
 * handler API and say, in a comment, which messages the AsyncAPI document declared.
 */
import type { HandlerNode, MessageSpec } from '../model/types.ts';

function names(messages: MessageSpec[]): string {
  return messages.length > 0 ? messages.map((m) => m.name).join(', ') : 'none declared';
}

export function handlerStubs(idPrefix: string, incoming: MessageSpec[], outgoing: MessageSpec[]): HandlerNode[] {
  const onOpen = [
    'export default function onOpen(conn: Connection, ctx: ServiceContext) {',
    '  ctx.log.info(`${conn.id} connected to ${conn.path}`);',
    '}',
    '',
  ].join('\n');
  const onText = [
    `// Clients send: ${names(incoming)}.`,
    `// The service sends: ${names(outgoing)}.`,
    'export default function onText(conn: Connection, text: string, ctx: ServiceContext) {',
    '  ctx.log.info(`${conn.id} sent ${text.length} characters`);',
    '}',
    '',
  ].join('\n');
  const onClose = [
    'export default function onClose(conn: Connection, code: number, reason: string, ctx: ServiceContext) {',
    '  ctx.log.info(`${conn.id} closed with ${code} ${reason}`);',
    '}',
    '',
  ].join('\n');
  return [
    { id: `${idPrefix}on-open`, type: 'onOpen', code: onOpen },
    { id: `${idPrefix}on-text`, type: 'onText', code: onText },
    { id: `${idPrefix}on-close`, type: 'onClose', code: onClose },
  ];
}
