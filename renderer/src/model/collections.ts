/**
 * Saved test-client messages, by collection (the flow file's `designer.collections`, beside
 * `designer.frames`). Pure edits returning a new document, so the client panel sends them through
 * the store's `change`: undo covers them, the document turns dirty and the ordinary save writes them.
 * An emptied collection is dropped, and an empty `designer` section too.
 */
import type { DesignerCollection, FlowDocument, SavedMessage } from '../../../runtime/model/types.ts';

export function collectionsOf(flow: FlowDocument): DesignerCollection[] {
  const list = flow.designer?.collections;
  return Array.isArray(list) ? list : [];
}

/** The collection a message goes to unless the user names another: one per flow, named after it. */
export function defaultCollection(flow: FlowDocument): string {
  return flow.displayName?.trim() || flow.name?.trim() || 'Saved';
}

function withCollections(flow: FlowDocument, collections: DesignerCollection[]): FlowDocument {
  const kept = collections.filter((c) => c.messages.length > 0);
  const { collections: _old, ...rest } = flow.designer ?? {};
  const designer = kept.length > 0 ? { ...rest, collections: kept } : rest;
  const next: FlowDocument = { ...flow, designer };
  if (Object.keys(designer).length === 0) delete next.designer;
  return next;
}

/**
 * Save `message` into `collection` (created when new). A message of the same name in that
 * collection is replaced in place, as "Save" over an existing request does in Postman.
 */
export function saveMessage(flow: FlowDocument, collection: string, message: SavedMessage): FlowDocument {
  const collections = collectionsOf(flow);
  const saved: SavedMessage = message.json ? message : { name: message.name, data: message.data };
  const found = collections.some((c) => c.name === collection);
  const next = found
    ? collections.map((c) => {
        if (c.name !== collection) return c;
        const at = c.messages.findIndex((m) => m.name === message.name);
        return { ...c, messages: at < 0 ? [...c.messages, saved] : c.messages.map((m, i) => (i === at ? saved : m)) };
      })
    : [...collections, { name: collection, messages: [saved] }];
  return withCollections(flow, next);
}

/** Why a rename is refused, or undefined when `to` is a fine new name. */
export function renameProblem(flow: FlowDocument, collection: string, from: string, to: string): string | undefined {
  if (!to.trim()) return 'A saved message needs a name.';
  const c = collectionsOf(flow).find((x) => x.name === collection);
  if (to !== from && c?.messages.some((m) => m.name === to)) return `"${to}" is already in ${collection}.`;
  return undefined;
}

export function renameMessage(flow: FlowDocument, collection: string, from: string, to: string): FlowDocument {
  if (from === to || renameProblem(flow, collection, from, to)) return flow;
  return withCollections(
    flow,
    collectionsOf(flow).map((c) => (c.name === collection ? { ...c, messages: c.messages.map((m) => (m.name === from ? { ...m, name: to } : m)) } : c)),
  );
}

export function deleteMessage(flow: FlowDocument, collection: string, name: string): FlowDocument {
  return withCollections(
    flow,
    collectionsOf(flow).map((c) => (c.name === collection ? { ...c, messages: c.messages.filter((m) => m.name !== name) } : c)),
  );
}
