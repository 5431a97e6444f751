/**
 * Inspector section of a service node: the declared incoming/outgoing message shapes (name,
 * content type, description, JSON Schema). Every edit is a node patch sent through the inspector's
 * setter, so it lands in the store's undo history and marks the document dirty.
 */
import { useEffect, useState } from 'react';
import type { MessageSpec, Problem, ServiceNode } from '../../../runtime/model/types.ts';
import { addMessage, CONTENT_TYPES, MESSAGE_DIRECTIONS, messagesOf, parseSchemaText, removeMessage, schemaText, updateMessage, type MessageDirection } from '../model/messages.ts';

type Setter = (patch: Record<string, unknown>, key: string) => void;

export function MessagesEditor({ node, problems, set }: { node: ServiceNode; problems: Problem[]; set: Setter }) {
  return (
    <>
      {MESSAGE_DIRECTIONS.map((direction) => (
        <MessageList key={direction} node={node} direction={direction} problems={problems} set={set} />
      ))}
    </>
  );
}

function MessageList({ node, direction, problems, set }: { node: ServiceNode; direction: MessageDirection; problems: Problem[]; set: Setter }) {
  const list = messagesOf(node, direction);
  const listError = problems.find((p) => p.severity === 'error' && p.nodeId === node.id && p.field !== undefined && p.field.startsWith(`messages.${direction}`))?.message;
  return (
    <div className="field" data-testid={`messages-${direction}`}>
      <span className="field__label">{direction === 'incoming' ? 'Incoming messages (client → service)' : 'Outgoing messages (service → client)'}</span>
      {list.map((message, index) => (
        <MessageCard key={index} node={node} direction={direction} index={index} message={message} set={set} />
      ))}
      {listError && <span className="field__error" role="alert">{listError}</span>}
      <button className="btn btn--ghost btn--small" data-testid={`message-add-${direction}`} onClick={() => set(addMessage(node, direction), `messages.${direction}.add`)}>
        + Add {direction} message
      </button>
    </div>
  );
}

function MessageCard({ node, direction, index, message, set }: { node: ServiceNode; direction: MessageDirection; index: number; message: MessageSpec; set: Setter }) {
  const id = `${direction}-${index}`;
  const edit = (patch: Partial<MessageSpec>, field: string) => set(updateMessage(node, direction, index, patch), `messages.${direction}.${index}.${field}`);
  const contentType = message.contentType ?? '';
  return (
    <div className="msg-card" data-testid={`message-${id}`}>
      <div className="msg-card__head">
        <input
          className="input input--mono"
          value={message.name}
          aria-label="Message name"
          placeholder="name"
          spellCheck={false}
          data-testid={`message-name-${id}`}
          onChange={(e) => edit({ name: e.target.value }, 'name')}
        />
        <select className="input" value={contentType} aria-label="Content type" data-testid={`message-contentType-${id}`} onChange={(e) => edit({ contentType: e.target.value || undefined }, 'contentType')}>
          <option value="">(default)</option>
          {CONTENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          {contentType && !(CONTENT_TYPES as readonly string[]).includes(contentType) && <option value={contentType}>{contentType}</option>}
        </select>
        <button className="btn btn--ghost btn--small" aria-label={`Remove ${message.name}`} data-testid={`message-remove-${id}`} onClick={() => set(removeMessage(node, direction, index), `messages.${direction}.remove`)}>✕</button>
      </div>
      {!message.name.trim() && <span className="field__error" role="alert">A message needs a name.</span>}
      <input
        className="input"
        value={message.description ?? ''}
        aria-label="Message description"
        placeholder="Description"
        data-testid={`message-description-${id}`}
        onChange={(e) => edit({ description: e.target.value || undefined }, 'description')}
      />
      <SchemaInput schema={message.schema} testId={`message-schema-${id}`} onChange={(schema) => edit({ schema }, 'schema')} />
    </div>
  );
}

/** JSON text of a schema: applied to the model only while it parses; otherwise an inline error. */
function SchemaInput({ schema, onChange, testId }: { schema: Record<string, unknown> | undefined; onChange: (schema: Record<string, unknown> | undefined) => void; testId: string }) {
  const [draft, setDraft] = useState(() => schemaText(schema));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    // Undo/redo (or another edit) changed the model: show it, unless the draft already says the same.
    setDraft((current) => {
      const parsed = parseSchemaText(current);
      return parsed.ok && JSON.stringify(parsed.schema) === JSON.stringify(schema) ? current : schemaText(schema);
    });
    setError(undefined);
  }, [schema]);
  return (
    <>
      <textarea
        className={`input input--mono textarea ${error ? 'input--invalid' : ''}`}
        value={draft}
        rows={Math.min(10, Math.max(3, draft.split('\n').length))}
        placeholder='JSON Schema, e.g. {"type": "object"}'
        aria-label="Message JSON Schema"
        aria-invalid={!!error}
        spellCheck={false}
        data-testid={testId}
        onChange={(e) => {
          setDraft(e.target.value);
          const parsed = parseSchemaText(e.target.value);
          if (parsed.ok) {
            setError(undefined);
            onChange(parsed.schema);
          } else setError(parsed.error);
        }}
      />
      {error && <span className="field__error" role="alert" data-testid={`${testId}-error`}>{error}</span>}
    </>
  );
}
