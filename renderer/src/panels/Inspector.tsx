/**
 * The side panel: properties of the selected node (or of the flow when nothing is selected), with
 * the backend's problems inline (each once: under its field, or in the node's list), and the snippet
 * editor for handlers and upgrade snippets.
 */
import { useState } from 'react';
import type { FlowDocument, FlowNode, HandlerEvent, ParamSpec, Problem, ServiceNode, UpgraderNode } from '../../../runtime/model/types.ts';
import { HANDLER_EVENTS } from '../../../runtime/model/types.ts';
import { kindOf } from '../../../runtime/model/registry.ts';
import { useCommands } from '../app-context.tsx';
import { ActionFields, ChainTools, formFields } from '../lowcode/ActionFields.tsx';
import { chainOf } from '../lowcode/chain-ops.ts';
import { tooltip } from '../commands.ts';
import { SnippetEditor } from '../editor/SnippetEditor.tsx';
import { changeHandlerEvent, isHandlerType, renameNode, updateFlowMeta, updateNode } from '../model/flow-ops.ts';
import { defaultSnippet } from '../model/snippets.ts';
import { useStudio } from '../store.ts';
import { CommitInput, Field, NumberInput, TextInput } from './fields.tsx';
import { ChannelsEditor } from './ChannelsEditor.tsx';
import { MessagesEditor } from './MessagesEditor.tsx';

const PARAM_TYPES: ParamSpec['type'][] = ['string', 'integer', 'number', 'boolean'];

/** The first problem about `field` (or anything under it) of a node, as an inline message. */
function fieldError(problems: Problem[], nodeId: string | undefined, field: string): string | undefined {
  return problems.find((p) => p.severity === 'error' && p.nodeId === nodeId && p.field !== undefined && (p.field === field || p.field.startsWith(`${field}.`)))?.message;
}

/** Fields of a node type whose errors show under the field (so the node's list leaves them out). */
function inlineFields(flow: FlowDocument, node: FlowNode): string[] {
  if (node.type === 'upgrader') return ['id', 'basePath', 'upgradePath', 'query'];
  if (node.type === 'service') return ['id', 'subprotocols', 'maxPayload', 'idleTimeoutMs', 'heartbeatMs', 'messages.in', 'messages.out', 'channels'];
  // Only the fields the form shows: a problem on a field of the other role stays in the node's list.
  if (hasKindForm(node)) return ['id', ...formFields(flow, node).filter(([, f]) => f.kind !== 'boolean').map(([name]) => name)];
  return ['id'];
}

/** Action and connector nodes get the form their kind's fields describe (ActionFields.tsx). */
function hasKindForm(node: FlowNode): boolean {
  const category = kindOf(node.type)?.category;
  return category === 'action' || category === 'connector';
}

function inspectorTitle(node: FlowNode): string {
  const kind = kindOf(node.type);
  if (kind?.category === 'action') return `Action · ${node.type}`;
  if (kind?.category === 'connector') return `Connector · ${kind.title}`;
  if (kind?.category === 'handler') return 'Handler';
  return kind?.title ?? node.type;
}

/** A problem already shown under its field; each problem appears once in the inspector. */
function shownInField(flow: FlowDocument, node: FlowNode, p: Problem): boolean {
  const field = p.field;
  if (p.severity !== 'error' || field === undefined) return false;
  // Action forms show a problem only on their exact field (ActionFields.tsx).
  return inlineFields(flow, node).some((f) => field === f || (!hasKindForm(node) && field.startsWith(`${f}.`)));
}

export function Inspector() {
  const flow = useStudio((s) => s.flow);
  const selected = useStudio((s) => s.selectedNodes);
  const selectedEdges = useStudio((s) => s.selectedEdges);
  const problems = useStudio((s) => s.problems);
  const commands = useCommands();

  if (selected.length > 1) {
    return (
      <aside className="inspector nokey">
        <h2 className="inspector__title">{selected.length} nodes selected</h2>
        <p className="muted">Move them together, copy them, lay them out, or delete them.</p>
        <button className="btn btn--danger" title={tooltip('edit.delete')} onClick={() => commands.run('edit.delete')} data-testid="inspector-delete">
          Delete {selected.length} nodes
        </button>
      </aside>
    );
  }
  const node = flow.nodes.find((n) => n.id === selected[0]);
  if (!node) {
    if (selectedEdges.length > 0) {
      return (
        <aside className="inspector nokey">
          <h2 className="inspector__title">Connection</h2>
          {selectedEdges.map((e) => <p key={e} className="mono">{e.replace('->', ' → ')}</p>)}
          <button className="btn btn--danger" title={tooltip('edit.delete')} onClick={() => commands.run('edit.delete')} data-testid="inspector-delete">
            Delete connection
          </button>
        </aside>
      );
    }
    return <FlowSettings />;
  }
  return <NodeInspector key={node.id} node={node} problems={problems} />;
}

function FlowSettings() {
  const flow = useStudio((s) => s.flow);
  const problems = useStudio((s) => s.problems);
  const change = useStudio((s) => s.change);
  const set = (key: string, value: unknown) => change((f) => updateFlowMeta(f, { [key]: value }), { coalesce: `flow:${key}` });
  const docError = (field: string) => problems.find((p) => p.severity === 'error' && !p.nodeId && p.field === field)?.message;
  // The backend's words only (its check follows every edit): a quick local check here would say
  // the same thing a second time, differently.
  const nameError = docError('name');
  const port = flow.listener?.port;
  const portError = docError('listener.port');
  return (
    <aside className="inspector nokey" data-testid="inspector">
      <h2 className="inspector__title">Flow</h2>
      <Field label="Name" error={nameError} hint="Used for images, Kubernetes objects and Choreo endpoints">
        <TextInput value={flow.name} onChange={(v) => set('name', v)} testId="flow-name" mono />
      </Field>
      <Field label="Display name">
        <TextInput value={flow.displayName} onChange={(v) => set('displayName', v || undefined)} />
      </Field>
      <Field label="Description">
        <TextInput value={flow.description} onChange={(v) => set('description', v || undefined)} />
      </Field>
      <Field label="Version">
        <TextInput value={flow.version} onChange={(v) => set('version', v || undefined)} placeholder="1.0.0" mono />
      </Field>
      <Field label="Listener port" error={portError}>
        <NumberInput value={port} onChange={(v) => set('listener', { ...flow.listener, port: v })} testId="flow-port" required />
      </Field>
      <Field label="Handler time budget (ms)" hint="How long one synchronous snippet run may take (default 1000)">
        <NumberInput value={flow.settings?.handlerBudgetMs} onChange={(v) => set('settings', cleanObject({ ...flow.settings, handlerBudgetMs: v }))} placeholder="1000" />
      </Field>
      <p className="muted small">Select a node to edit it. {flow.nodes.length} nodes, {flow.edges.length} connections.</p>
    </aside>
  );
}

function cleanObject(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

function NodeInspector({ node, problems }: { node: FlowNode; problems: Problem[] }) {
  const change = useStudio((s) => s.change);
  const flow = useStudio((s) => s.flow);
  const set = (patch: Record<string, unknown>, key: string) => change((f) => updateNode(f, node.id, patch), { coalesce: `node:${node.id}:${key}` });
  const rename = (next: string) => {
    const outcome = renameNode(useStudio.getState().flow, node.id, next);
    if (!outcome.ok) return outcome.reason;
    change(() => outcome.flow);
    useStudio.getState().select([next]);
    return undefined;
  };
  const fresh = useStudio((s) => s.freshNode === node.id);
  const editorMax = useStudio((s) => s.layout.editorMax);
  const commands = useCommands();
  const [eventNote, setEventNote] = useState<string | undefined>();
  const nodeProblems = problems.filter((p) => p.nodeId === node.id);
  const listed = nodeProblems.filter((p) => !shownInField(flow, node, p));
  const changeEvent = (next: HandlerEvent) => {
    const outcome = changeHandlerEvent(useStudio.getState().flow, node.id, next);
    change(() => outcome.flow);
    if (outcome.id !== node.id) useStudio.getState().select([outcome.id]);
    setEventNote(outcome.kept ? `Your code was kept: change its signature to ${defaultSnippet(next).split('\n')[0]?.replace(/^export default function /, '').replace(/ \{$/, '')}.` : undefined);
  };
  const hasCode = typeof node.code === 'string';
  // A handler wired to a chain has no snippet: the chain is its code.
  const chained = !hasCode && chainOf(flow, node.id) !== undefined;
  const showEditor = (isHandlerType(node.type) && !chained) || (node.type === 'upgrader' && hasCode);
  return (
    <aside className={`inspector nokey ${showEditor ? 'inspector--with-editor' : ''}`} data-testid="inspector">
      <div className="inspector__props">
        <h2 className="inspector__title">
          <span className={`kind-dot kind-dot--${isHandlerType(node.type) ? 'handler' : (kindOf(node.type)?.category ?? node.type)}`} />
          {inspectorTitle(node)}
        </h2>
        <Field label="Id" error={fresh ? undefined : fieldError(problems, node.id, 'id')}>
          <CommitInput value={node.id} onCommit={rename} testId="node-id" />
        </Field>
        <Field label="Label" hint="Shown on the canvas instead of the id">
          <TextInput value={node.label} onChange={(v) => set({ label: v || undefined }, 'label')} testId="node-label" />
        </Field>
        {node.type === 'upgrader' && <UpgraderFields node={node as UpgraderNode} problems={problems} set={set} />}
        {node.type === 'service' && <ServiceFields node={node as ServiceNode} problems={problems} set={set} />}
        {isHandlerType(node.type) && (
          <Field label="Event">
            <select className="input" value={node.type} data-testid="handler-event" onChange={(e) => changeEvent(e.target.value as HandlerEvent)}>
              {HANDLER_EVENTS.map((ev) => <option key={ev} value={ev}>{ev}</option>)}
            </select>
          </Field>
        )}
        {hasKindForm(node) && <ActionFields node={node} problems={problems} set={set} />}
        {chained && <ChainTools node={node} />}
        {eventNote && <p className="field__hint" role="status" data-testid="event-note">{eventNote}</p>}
        {fresh && nodeProblems.length > 0 && (
          <p className="inline-hint" data-testid="fresh-hint">
            New node: {nodeProblems.length === 1 ? 'one thing is' : `${nodeProblems.length} things are`} still to fill in or connect; they show as errors once you move on.
          </p>
        )}
        {!fresh && listed.length > 0 && (
          <ul className="inline-problems" data-testid="inline-problems">
            {listed.slice(0, 4).map((p, i) => (
              <li key={i} className={`inline-problems__item inline-problems__item--${p.severity}`}>{p.message}</li>
            ))}
          </ul>
        )}
      </div>
      {showEditor && (
        <div className="inspector__code">
          <div className="inspector__code-head">
            <span>{node.type === 'upgrader' ? 'Upgrade snippet' : `${node.type} snippet`} · TypeScript</span>
            <span className="inspector__code-actions">
              {node.type === 'upgrader' && (
                <button className="btn btn--ghost btn--small" onClick={() => set({ code: undefined }, 'code-remove')}>Remove</button>
              )}
              <button
                className="btn btn--ghost btn--small"
                aria-pressed={editorMax}
                title={tooltip('view.maximizeEditor')}
                onClick={() => commands.run('view.maximizeEditor')}
                data-testid="editor-maximize"
              >
                {editorMax ? 'Restore' : 'Maximise'}
              </button>
            </span>
          </div>
          <SnippetEditor nodeId={node.id} code={typeof node.code === 'string' ? node.code : ''} onChange={(code) => set({ code }, 'code')} />
        </div>
      )}
    </aside>
  );
}

type Setter = (patch: Record<string, unknown>, key: string) => void;

function UpgraderFields({ node, problems, set }: { node: UpgraderNode; problems: Problem[]; set: Setter }) {
  const query = Object.entries(node.query ?? {});
  const setQuery = (entries: [string, ParamSpec][]) => set({ query: entries.length ? Object.fromEntries(entries) : undefined }, 'query');
  return (
    <>
      <Field label="Base path" error={fieldError(problems, node.id, 'basePath')}>
        <TextInput value={node.basePath} onChange={(v) => set({ basePath: v || undefined }, 'basePath')} placeholder="/" testId="upgrader-basePath" mono />
      </Field>
      <Field label="Upgrade path" error={fieldError(problems, node.id, 'upgradePath')} hint="Template with {params}, e.g. /{name}">
        <TextInput value={node.upgradePath} onChange={(v) => set({ upgradePath: v || undefined }, 'upgradePath')} placeholder="/" testId="upgrader-upgradePath" mono />
      </Field>
      <div className="field">
        <span className="field__label">Query parameters</span>
        {query.map(([name, spec], index) => (
          <div className="param-row" key={index}>
            <input
              className="input input--mono"
              value={name}
              aria-label="Query parameter name"
              data-testid={`query-name-${index}`}
              onChange={(e) => setQuery(query.map((q, i) => (i === index ? [e.target.value, q[1]] : q)))}
            />
            <select
              className="input"
              value={spec.type}
              aria-label="Query parameter type"
              data-testid={`query-type-${index}`}
              onChange={(e) => setQuery(query.map((q, i) => (i === index ? [q[0], { ...q[1], type: e.target.value as ParamSpec['type'] }] : q)))}
            >
              {PARAM_TYPES.map((t) => <option key={t}>{t}</option>)}
            </select>
            <label className="check" title="Required">
              <input type="checkbox" checked={!!spec.required} onChange={(e) => setQuery(query.map((q, i) => (i === index ? [q[0], { ...q[1], required: e.target.checked || undefined }] : q)))} />
              req
            </label>
            <button className="btn btn--ghost btn--small" aria-label={`Remove ${name}`} onClick={() => setQuery(query.filter((_, i) => i !== index))}>✕</button>
          </div>
        ))}
        {fieldError(problems, node.id, 'query') && <span className="field__error">{fieldError(problems, node.id, 'query')}</span>}
        <button
          className="btn btn--ghost btn--small"
          data-testid="query-add"
          onClick={() => {
            const taken = new Set(query.map(([n]) => n));
            let name = 'param';
            for (let i = 2; taken.has(name); i++) name = `param${i}`;
            setQuery([...query, [name, { type: 'string' }]]);
          }}
        >
          + Add query parameter
        </button>
      </div>
      {typeof node.code !== 'string' && (
        <button className="btn btn--ghost btn--small" onClick={() => set({ code: defaultSnippet('upgrader') }, 'code-add')}>
          + Add upgrade snippet
        </button>
      )}
    </>
  );
}

function ServiceFields({ node, problems, set }: { node: ServiceNode; problems: Problem[]; set: Setter }) {
  return (
    <>
      <Field label="Subprotocols" hint="Comma separated, in preference order" error={fieldError(problems, node.id, 'subprotocols')}>
        <TextInput
          value={(node.subprotocols ?? []).join(', ')}
          onChange={(v) => {
            const list = v.split(',').map((s) => s.trim()).filter(Boolean);
            set({ subprotocols: list.length ? list : undefined }, 'subprotocols');
          }}
          mono
        />
      </Field>
      <div className="field-row">
        <Field label="Max payload (bytes)" error={fieldError(problems, node.id, 'maxPayload')}>
          <NumberInput value={node.maxPayload} onChange={(v) => set({ maxPayload: v }, 'maxPayload')} placeholder="1048576" />
        </Field>
        <Field label="Idle timeout (ms)" error={fieldError(problems, node.id, 'idleTimeoutMs')}>
          <NumberInput value={node.idleTimeoutMs} onChange={(v) => set({ idleTimeoutMs: v }, 'idleTimeoutMs')} placeholder="0 = never" />
        </Field>
      </div>
      <Field label="Heartbeat (ms)" error={fieldError(problems, node.id, 'heartbeatMs')} hint="Server ping interval; a peer that misses a pong is dropped">
        <NumberInput value={node.heartbeatMs} onChange={(v) => set({ heartbeatMs: v }, 'heartbeatMs')} placeholder="0 = off" />
      </Field>
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={!!node.validateIncoming} data-testid="service-validateIncoming" onChange={(e) => set({ validateIncoming: e.target.checked || undefined }, 'validateIncoming')} />
          Validate incoming JSON against declared messages
        </label>
      </div>
      <div className="field">
        <label className="check" title="permessage-deflate with clients that offer it: fewer bytes for compressible text, CPU to compress each message once">
          <input type="checkbox" checked={!!node.compression} data-testid="service-compression" onChange={(e) => set({ compression: e.target.checked || undefined }, 'compression')} />
          Compress messages (permessage-deflate)
        </label>
      </div>
      <MessagesEditor node={node} problems={problems} set={set} />
      <ChannelsEditor node={node} problems={problems} set={set} />
    </>
  );
}
