/**
 * Inspector forms of the low-code nodes: one input per field of the action's ACTION_SPECS entry
 * (expressions and templates in monospace, enums as selects, booleans as checkboxes, switch cases
 * as a comma list), with the backend's problem on that field inline; and, on an event node wired
 * to a chain, "View code" (the generated TypeScript) and "Convert to code" (one undoable change).
 */
import { useState } from 'react';
import { ACTION_SPECS, CHAIN_SCOPE, type ChainEvent, type FieldSpec } from '../../../runtime/model/actions.ts';
import type { ActionNode, FlowNode, Problem } from '../../../runtime/model/types.ts';
import { useStudio } from '../store.ts';
import { Field } from '../panels/fields.tsx';
import { chainOf, convertChainToCode } from './chain-ops.ts';

type Setter = (patch: Record<string, unknown>, key: string) => void;

function fieldProblem(problems: Problem[], nodeId: string, field: string): string | undefined {
  return problems.find((p) => p.severity === 'error' && p.nodeId === nodeId && p.field === field)?.message;
}

/** What a typed value becomes in the document: numbers and booleans stay numbers and booleans. */
function parseValue(spec: FieldSpec, text: string): unknown {
  if (text === '') return undefined;
  if (spec.kind === 'list') return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (/^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s));
  if (spec.kind === 'expr' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  // A hand-written YAML value of the wrong kind (an object where text belongs) shows as JSON.
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

export function ActionFields({ node, problems, set }: { node: ActionNode; problems: Problem[]; set: Setter }) {
  const spec = ACTION_SPECS[node.type];
  const raw = node as unknown as Record<string, unknown>;
  return (
    <div className="action-fields" data-testid="action-fields">
      <p className="muted small">{spec.doc.replace(/`/g, '')}</p>
      {Object.entries(spec.fields).map(([name, fs]) => {
        const error = fieldProblem(problems, node.id, name);
        const label = `${name}${fs.required ? ' *' : ''}`;
        if (fs.kind === 'boolean') {
          return (
            <div className="field" key={name}>
              <label className="check">
                <input type="checkbox" checked={raw[name] === true} data-testid={`action-${name}`} onChange={(e) => set({ [name]: e.target.checked || undefined }, name)} />
                {name}
              </label>
              <span className="field__hint">{fs.doc}</span>
            </div>
          );
        }
        if (fs.kind === 'enum') {
          return (
            <Field key={name} label={label} error={error} hint={fs.doc}>
              <select className="input" value={shown(raw[name] ?? fs.default)} data-testid={`action-${name}`} onChange={(e) => set({ [name]: e.target.value === fs.default ? undefined : e.target.value }, name)}>
                {(fs.values ?? []).map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            </Field>
          );
        }
        const multiline = fs.kind === 'code';
        const Input = multiline ? 'textarea' : 'input';
        return (
          <Field key={name} label={label} error={error} hint={fs.kind === 'template' ? `${fs.doc} (template: text with \${...})` : fs.doc}>
            <Input
              className="input input--mono"
              value={shown(raw[name])}
              placeholder={fs.default === undefined ? '' : String(fs.default)}
              spellCheck={false}
              data-testid={`action-${name}`}
              onChange={(e) => set({ [name]: parseValue(fs, e.target.value) }, name)}
            />
          </Field>
        );
      })}
    </div>
  );
}

/** On an event node (handler or upgrader) wired to a chain: the scope, View code, Convert to code. */
export function ChainTools({ node }: { node: FlowNode }) {
  const flow = useStudio((s) => s.flow);
  const change = useStudio((s) => s.change);
  const [open, setOpen] = useState(false);
  const chain = chainOf(flow, node.id);
  if (!chain) return null;
  const scope = CHAIN_SCOPE[node.type as ChainEvent] ?? [];
  return (
    <div className="chain-tools" data-testid="chain-tools">
      <p className="muted small">
        Runs the chain of {chain.nodes.length} action node{chain.nodes.length === 1 ? '' : 's'} wired to it. In scope: {scope.join(', ')}.
      </p>
      <div className="chain-tools__buttons">
        <button className="btn btn--ghost btn--small" data-testid="chain-view-code" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide code' : 'View code'}
        </button>
        <button
          className="btn btn--ghost btn--small"
          data-testid="chain-convert"
          title="Replace the chain with this TypeScript as an editable snippet (Undo brings the chain back)"
          onClick={() => change((f) => convertChainToCode(f, node.id))}
        >
          Convert to code
        </button>
      </div>
      {open && <pre className="chain-tools__code" data-testid="chain-code">{chain.code}</pre>}
    </div>
  );
}
