/**
 * Pure edits of a service node's declared message shapes (`messages.incoming` / `.outgoing`).
 * Each function returns a node patch for `updateNode`, so the inspector sends it through the
 * store like any other field and undo/redo covers it. Unknown keys of a message (and of the
 * `messages` object) are kept.
 */
import type { MessageSpec, ServiceNode } from '../../../runtime/model/types.ts';

export type MessageDirection = 'incoming' | 'outgoing';
export const MESSAGE_DIRECTIONS: MessageDirection[] = ['incoming', 'outgoing'];
export const CONTENT_TYPES = ['application/json', 'text/plain'] as const;

export function messagesOf(node: ServiceNode, direction: MessageDirection): MessageSpec[] {
  const list = node.messages?.[direction];
  return Array.isArray(list) ? list : [];
}

/** The node patch that replaces one direction's list; empty lists and objects are dropped. */
export function messagesPatch(node: ServiceNode, direction: MessageDirection, list: MessageSpec[]): { messages: ServiceNode['messages'] } {
  const next: Record<string, unknown> = { ...node.messages };
  if (list.length) next[direction] = list;
  else delete next[direction];
  return { messages: Object.keys(next).length ? (next as ServiceNode['messages']) : undefined };
}

/** Append a message with a name not yet used in that direction. */
export function addMessage(node: ServiceNode, direction: MessageDirection): { messages: ServiceNode['messages'] } {
  const list = messagesOf(node, direction);
  const taken = new Set(list.map((m) => m.name));
  const base = direction === 'incoming' ? 'request' : 'event';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return messagesPatch(node, direction, [...list, { name, contentType: 'application/json', schema: { type: 'object' } }]);
}

export function removeMessage(node: ServiceNode, direction: MessageDirection, index: number): { messages: ServiceNode['messages'] } {
  return messagesPatch(node, direction, messagesOf(node, direction).filter((_, i) => i !== index));
}

/** Patch one message; `undefined` removes a key, every other key of the message stays. */
export function updateMessage(node: ServiceNode, direction: MessageDirection, index: number, patch: Partial<MessageSpec>): { messages: ServiceNode['messages'] } {
  const list = messagesOf(node, direction).map((m, i) => {
    if (i !== index) return m;
    const next: Record<string, unknown> = { ...m };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    return next as MessageSpec;
  });
  return messagesPatch(node, direction, list);
}

export type SchemaParse = { ok: true; schema: Record<string, unknown> | undefined } | { ok: false; error: string };

/** Parse the schema text of the editor: empty means "no schema"; otherwise a JSON object. */
export function parseSchemaText(text: string): SchemaParse {
  if (text.trim() === '') return { ok: true, schema: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Invalid JSON: ${(err as Error).message}. The last valid schema is kept.` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'A schema is a JSON object, e.g. {"type": "object"}. The last valid schema is kept.' };
  }
  return { ok: true, schema: value as Record<string, unknown> };
}

export function schemaText(schema: Record<string, unknown> | undefined): string {
  return schema === undefined ? '' : JSON.stringify(schema, null, 2);
}
