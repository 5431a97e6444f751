/**
 * The test clients' saved messages (Postman-style collections), stored in the flow file's
 * `designer.collections`: the save form of a client card, and the list beside the cards where a
 * click sends a saved message from the chosen open client, and a message is renamed or deleted.
 * Every edit goes through the store's `change` (undoable, marks the document dirty); the ordinary
 * save (Ctrl+S) writes it.
 */
import { useState } from 'react';
import { collectionsOf, defaultCollection, deleteMessage, renameMessage, renameProblem, saveMessage } from '../model/collections.ts';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';

/** Under a client card's send row: name the composed message and pick (or type) its collection. */
export function SaveMessageForm({ clientId, data, json, onDone }: { clientId: string; data: string; json: boolean; onDone: () => void }) {
  const flow = useStudio((s) => s.flow);
  const collections = collectionsOf(flow);
  const [name, setName] = useState('');
  const [collection, setCollection] = useState(() => collections[0]?.name ?? defaultCollection(flow));
  const listId = `collections-of-${clientId}`;
  const save = () => {
    if (!name.trim() || !collection.trim()) return;
    useStudio.getState().change((f) => saveMessage(f, collection.trim(), { name: name.trim(), data, json }));
    onDone();
  };
  return (
    <form
      className="client__save"
      data-testid="client-save-form"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onDone();
      }}
    >
      <input className="input input--mono" autoFocus placeholder="name" aria-label="Saved message name" data-testid="client-save-name" value={name} onChange={(e) => setName(e.target.value)} />
      <input className="input" list={listId} placeholder="collection" aria-label="Collection" data-testid="client-save-collection" value={collection} onChange={(e) => setCollection(e.target.value)} />
      <datalist id={listId}>
        {collections.map((c) => <option key={c.name} value={c.name} />)}
      </datalist>
      <button className="btn btn--primary btn--small" type="submit" disabled={!name.trim() || !collection.trim()} data-testid="client-save-confirm">Save</button>
    </form>
  );
}

/** The collections beside the client cards; a saved message's button sends it. */
export function CollectionsList() {
  const flow = useStudio((s) => s.flow);
  const clients = useStudio((s) => s.clients);
  const services = useServices();
  const open = clients.filter((c) => c.state === 'open');
  const [chosen, setChosen] = useState<string | undefined>();
  // The chosen client while it is open, otherwise the newest open one.
  const from = open.find((c) => c.id === chosen)?.id ?? open[open.length - 1]?.id;
  const collections = collectionsOf(flow);
  return (
    <section className="collections" aria-label="Saved messages" data-testid="collections">
      <div className="collections__head">
        <span className="field__label">Saved messages</span>
        <select className="input" value={from ?? ''} disabled={open.length === 0} aria-label="Send saved messages from" data-testid="collections-from" onChange={(e) => setChosen(e.target.value)}>
          {open.length === 0 && <option value="">no open client</option>}
          {open.map((c) => <option key={c.id} value={c.id}>from {c.id}</option>)}
        </select>
      </div>
      {collections.length === 0 && <div className="empty-note">Compose a message in a client and press Save to keep it here.</div>}
      {/* Only this part scrolls, and it always holds buttons: a scrollable region needs focusable content (axe). */}
      {collections.length > 0 && (
        <div className="collections__body">
          {collections.map((c) => (
            <div key={c.name} className="collection" role="group" aria-label={`Collection ${c.name}`} data-testid={`collection-${c.name}`}>
              <div className="collection__name">{c.name}</div>
              <ul className="collection__list">
                {c.messages.map((m) => (
                  <SavedRow key={m.name} collection={c.name} name={m.name} data={m.data} from={from} onSend={(id) => void services.sendClient(id, m.data)} />
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

function SavedRow({ collection, name, data, from, onSend }: { collection: string; name: string; data: string; from: string | undefined; onSend: (clientId: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const problem = editing ? renameProblem(useStudio.getState().flow, collection, name, draft.trim()) : undefined;
  if (editing) {
    return (
      <li className="saved">
        <form
          className="saved__rename"
          onSubmit={(e) => {
            e.preventDefault();
            if (problem) return;
            useStudio.getState().change((f) => renameMessage(f, collection, name, draft.trim()));
            setEditing(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
          }}
        >
          <input className="input input--mono" autoFocus aria-label={`New name for ${name}`} aria-invalid={!!problem} data-testid="saved-rename-input" value={draft} onChange={(e) => setDraft(e.target.value)} />
          {problem && <span className="field__error" role="alert">{problem}</span>}
        </form>
      </li>
    );
  }
  return (
    <li className="saved" data-testid={`saved-${name}`}>
      <button
        className="btn btn--ghost btn--small saved__send"
        disabled={!from}
        title={from ? `Send from ${from}: ${data}` : 'Connect a client to send'}
        data-testid="saved-send"
        onClick={() => from && onSend(from)}
      >
        <span className="saved__name">{name}</span>
        <span className="saved__data mono">{data}</span>
      </button>
      <button
        className="btn btn--ghost btn--small"
        aria-label={`Rename ${name}`}
        data-testid="saved-rename"
        onClick={() => {
          setDraft(name);
          setEditing(true);
        }}
      >
        ✎
      </button>
      <button className="btn btn--ghost btn--small" aria-label={`Delete ${name}`} data-testid="saved-delete" onClick={() => useStudio.getState().change((f) => deleteMessage(f, collection, name))}>
        ✕
      </button>
    </li>
  );
}
