/**
 * Inspector forms of action and connector nodes: one input per field of the node's kind
 * (runtime/model/kinds/): expressions and templates in monospace, enums as selects, booleans as
 * checkboxes, lists as comma lists, header maps as `name: value` lines, with the backend's problem
 * on that field inline; and, on an event node wired to a chain, "View code" (the generated
 * TypeScript) and "Convert to code" (one undoable change).
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { CHAIN_EVENTS, CHAIN_SCOPE, type ChainEvent, type KindField } from '../../../runtime/model/chain-scope.ts';
import type { NodeKind, Role } from '../../../runtime/model/node-kind.ts';
import { fieldsFor, kindOf } from '../../../runtime/model/registry.ts';
import type { FlowDocument, FlowNode, Problem } from '../../../runtime/model/types.ts';
import { useStudio } from '../store.ts';
import { Field } from '../panels/fields.tsx';
import { ExprEditor } from '../editor/ExprEditor.tsx';
import { hiddenSource } from '../editor/expr-scope.ts';
import { chainOf, chainOwners, convertChainToCode, packageSteps } from './chain-ops.ts';
import { ComponentParams } from './ComponentParams.tsx';

type Setter = (patch: Record<string, unknown>, key: string) => void;

function fieldProblem(problems: Problem[], nodeId: string, field: string): string | undefined {
  return problems.find((p) => p.severity === 'error' && p.nodeId === nodeId && (p.field === field || p.field?.startsWith(`${field}.`)))?.message;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** What a typed value becomes in the document: numbers and booleans stay numbers and booleans. */
function parseValue(spec: KindField, text: string): unknown {
  if (text === '') return undefined;
  if (spec.kind === 'list' || spec.kind === 'textList') {
    const items = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) return undefined;
    return spec.kind === 'list' ? items.map((s) => (NUMBER.test(s) ? Number(s) : s)) : items;
  }
  if (spec.kind === 'templateMap') {
    const map: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const at = line.indexOf(':');
      if (at > 0) map[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return Object.keys(map).length ? map : undefined;
  }
  if ((spec.kind === 'expr' || spec.kind === 'integer') && NUMBER.test(text)) return Number(text);
  return text;
}

function shown(spec: KindField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (spec.kind === 'templateMap' && typeof value === 'object') return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
  // A hand-written YAML value of the wrong kind (an object where text belongs) shows as JSON.
  return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
}

function hintOf(spec: KindField): string {
  const help = spec.help.replace(/`/g, '');
  if (spec.kind === 'template') return `${help} (template: text with \${...})`;
  if (spec.kind === 'templateMap') return `${help} One 'name: value' per line.`;
  if (spec.kind === 'list' || spec.kind === 'textList') return `${help} Separate with commas.`;
  return help;
}

/**
 * The role the node plays as wired: bound to a service, a step of a chain, or (not wired yet, and
 * the kind can be either) undecided, when the form shows the fields of both.
 */
function roleOf(flow: FlowDocument, node: FlowNode, kind: NodeKind): Role | undefined {
  if (!kind.chain) return 'binding';
  if (!kind.binding) return 'chain';
  const types = new Map(flow.nodes.map((n) => [n.id, n.type] as const));
  const from = flow.edges.filter((e) => e.to === node.id).map((e) => types.get(e.from));
  if (from.includes('service')) return 'binding';
  return from.length > 0 ? 'chain' : undefined;
}

/**
 * A text field that keeps what is typed while it parses to the same value: a list's trailing comma
 * or a header map's unfinished line would otherwise vanish at the next keystroke, because the
 * document keeps the parsed value. A change from elsewhere (undo, another node) replaces the text.
 */
function DraftText({ spec, value, multiline, testId, onValue }: { spec: KindField; value: unknown; multiline: boolean; testId: string; onValue: (value: unknown) => void }) {
  const text = shown(spec, value);
  const [draft, setDraft] = useState(text);
  useEffect(() => {
    if (shown(spec, parseValue(spec, draft)) !== text) setDraft(text);
    // Only a new document value may replace the draft, never the draft itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const Input = multiline ? 'textarea' : 'input';
  return (
    <Input
      className="input input--mono"
      value={draft}
      placeholder={spec.default === undefined ? '' : String(spec.default)}
      spellCheck={false}
      data-testid={testId}
      onChange={(e) => {
        setDraft(e.target.value);
        onValue(parseValue(spec, e.target.value));
      }}
    />
  );
}

/**
 * An expression or template field: a one-line Monaco editor whose completion and squiggles know
 * the scope of the chain the node runs in (`event`).
 */
function ExprField({ name, spec, value, label, error, event, component, onValue }: { name: string; spec: KindField; value: unknown; label: string; error: string | undefined; event: ChainEvent | undefined; component: boolean; onValue: (value: unknown) => void }) {
  const labelId = useId();
  const language = spec.kind === 'template' ? 'template' : 'expr';
  const source = useMemo(() => hiddenSource(name, language, event, component), [name, language, event, component]);
  return (
    <Field label={label} error={error} hint={hintOf(spec)} labelId={labelId}>
      <ExprEditor
        text={shown(spec, value)}
        normalize={(typed) => shown(spec, parseValue(spec, typed))}
        onText={(typed) => onValue(parseValue(spec, typed))}
        language={language}
        source={source}
        testId={`action-${name}`}
        labelId={labelId}
        label={name}
        placeholder={spec.default === undefined ? undefined : String(spec.default)}
        invalid={error !== undefined}
      />
    </Field>
  );
}

/** The event of the chain a node runs in, if it is in one. */
function chainEventOf(flow: FlowDocument, nodeId: string): ChainEvent | undefined {
  const owner = chainOwners(flow).get(nodeId);
  const type = owner === undefined ? undefined : flow.nodes.find((n) => n.id === owner)?.type;
  return (CHAIN_EVENTS as readonly string[]).includes(type ?? '') ? (type as ChainEvent) : undefined;
}

/** The fields the node's form shows, in order (the Inspector lists problems of the others). */
export function formFields(flow: FlowDocument, node: FlowNode): [string, KindField][] {
  const kind = kindOf(node.type);
  if (!kind) return [];
  const role = roleOf(flow, node, kind);
  return role ? fieldsFor(kind, role) : Object.entries(kind.fields);
}

export function ActionFields({ node, problems, set }: { node: FlowNode; problems: Problem[]; set: Setter }) {
  const flow = useStudio((s) => s.flow);
  const fieldFocus = useStudio((s) => s.fieldFocus);
  const form = useRef<HTMLDivElement>(null);
  // A runtime error in one of this node's fields (the notice, a trace row): focus that input.
  useEffect(() => {
    if (!fieldFocus || fieldFocus.nodeId !== node.id) return;
    const input = form.current?.querySelector<HTMLElement>(`[data-testid="action-${CSS.escape(fieldFocus.field)}"]`);
    if (!input) return;
    input.scrollIntoView({ block: 'nearest' });
    input.focus();
    useStudio.getState().set({ fieldFocus: undefined });
  }, [fieldFocus, node.id]);
  const path = useStudio((s) => s.path);
  const event = useMemo(() => chainEventOf(flow, node.id), [flow, node.id]);
  const kind = kindOf(node.type);
  if (!kind) return null;
  const raw = node as unknown as Record<string, unknown>;
  const component = path?.endsWith('.wsflow-component.yaml') ?? false;
  return (
    <div className="action-fields" data-testid="action-fields" ref={form}>
      <p className="muted small">{kind.help.replace(/`/g, '')}</p>
      {formFields(flow, node).map(([name, fs]) => {
        const error = fieldProblem(problems, node.id, name);
        const label = `${name}${fs.required ? ' *' : ''}`;
        if (fs.kind === 'boolean') {
          return (
            <div className="field" key={name}>
              <label className="check">
                <input type="checkbox" checked={raw[name] === true} data-testid={`action-${name}`} onChange={(e) => set({ [name]: e.target.checked || undefined }, name)} />
                {name}
              </label>
              <span className="field__hint">{hintOf(fs)}</span>
            </div>
          );
        }
        if (fs.kind === 'enum') {
          const values = fs.values ?? [];
          return (
            <Field key={name} label={label} error={error} hint={hintOf(fs)}>
              <select
                className="input"
                value={shown(fs, raw[name] ?? fs.default)}
                data-testid={`action-${name}`}
                onChange={(e) => {
                  const picked = values.find((v) => String(v) === e.target.value);
                  set({ [name]: picked === fs.default ? undefined : picked }, name);
                }}
              >
                {values.map((v) => <option key={String(v)} value={String(v)}>{String(v)}</option>)}
              </select>
            </Field>
          );
        }
        if (fs.kind === 'expr' || fs.kind === 'template') {
          return <ExprField key={name} name={name} spec={fs} value={raw[name]} label={label} error={error} event={event} component={component} onValue={(v) => set({ [name]: v }, name)} />;
        }
        return (
          <Field key={name} label={label} error={error} hint={hintOf(fs)}>
            <DraftText spec={fs} value={raw[name]} multiline={fs.kind === 'code' || fs.kind === 'templateMap'} testId={`action-${name}`} onValue={(v) => set({ [name]: v }, name)} />
          </Field>
        );
      })}
      {node.type === 'component' && <ComponentParams node={node} problems={problems} set={set} />}
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
  const fromPackages = packageSteps(flow, chain);
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
          title={
            fromPackages.length > 0
              ? `${fromPackages.join(', ')} come${fromPackages.length === 1 ? 's' : ''} from a package: its code is written by the studio, so the chain cannot become a snippet here`
              : 'Replace the chain with this TypeScript as an editable snippet (Undo brings the chain back)'
          }
          disabled={fromPackages.length > 0}
          onClick={() => change((f) => convertChainToCode(f, node.id))}
        >
          Convert to code
        </button>
      </div>
      {open && <pre className="chain-tools__code" data-testid="chain-code">{chain.code}</pre>}
    </div>
  );
}
