/**
 * The params of a component node, as a form generated from the component file's `params`
 * (docs/components.md): a text box per string, a number box per number, a checkbox per boolean;
 * an empty box leaves the param out, so its default applies. Values stay typed in the document.
 */
import type { FlowNode, Problem } from '../../../runtime/model/types.ts';
import { Field, TextInput } from '../panels/fields.tsx';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';

type Setter = (patch: Record<string, unknown>, key: string) => void;

export function ComponentParams({ node, problems, set }: { node: FlowNode; problems: Problem[]; set: Setter }) {
  const ref = typeof node.ref === 'string' ? node.ref : undefined;
  return (
    <>
      {ref !== undefined && <OpenComponent refPath={ref} />}
      <ParamsForm node={node} problems={problems} set={set} />
    </>
  );
}

/** Opens the component file in the designer, with a breadcrumb back to this flow. */
function OpenComponent({ refPath }: { refPath: string }) {
  const services = useServices();
  return (
    <p>
      <button type="button" className="btn" data-testid="open-component" onClick={() => void services.openComponent(refPath)}>
        Open component
      </button>
    </p>
  );
}

function ParamsForm({ node, problems, set }: { node: FlowNode; problems: Problem[]; set: Setter }) {
  const ref = typeof node.ref === 'string' ? node.ref : undefined;
  const info = useStudio((s) => (ref !== undefined ? s.components[ref] : undefined));
  const given: Record<string, unknown> = typeof node.params === 'object' && node.params !== null && !Array.isArray(node.params) ? (node.params as Record<string, unknown>) : {};
  if (!info) return <p className="muted small" data-testid="component-params-unknown">Params appear here once the component file beside the flow is read.</p>;
  const update = (name: string, value: unknown) => {
    const next = { ...given };
    if (value === undefined) delete next[name];
    else next[name] = value;
    set({ params: Object.keys(next).length > 0 ? next : undefined }, `params.${name}`);
  };
  const entries = Object.entries(info.params);
  if (entries.length === 0) return <p className="muted small">This component takes no params.</p>;
  return (
    <fieldset className="component-params" data-testid="component-params">
      <legend className="field__label">params</legend>
      {entries.map(([name, spec]) => {
        const error = problems.find((p) => p.severity === 'error' && p.nodeId === node.id && p.field === `params.${name}`)?.message;
        const hint = [spec.description, spec.default !== undefined ? `default ${JSON.stringify(spec.default)}` : 'required'].filter(Boolean).join('; ');
        const value = given[name];
        if (spec.type === 'boolean') {
          return (
            <div className="field" key={name}>
              <label className="check">
                <input type="checkbox" checked={value === undefined ? spec.default === true : value === true} data-testid={`param-${name}`} onChange={(e) => update(name, e.target.checked === (spec.default === true) ? undefined : e.target.checked)} />
                {name}
              </label>
              <span className="field__hint">{hint}</span>
            </div>
          );
        }
        return (
          <Field key={name} label={`${name}${spec.default === undefined ? ' *' : ''}`} error={error} hint={hint}>
            <TextInput
              value={value === undefined ? '' : String(value as string | number)}
              placeholder={spec.default !== undefined ? String(spec.default) : spec.type}
              testId={`param-${name}`}
              onChange={(text) => update(name, text === '' ? undefined : spec.type === 'number' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text)}
            />
          </Field>
        );
      })}
    </fieldset>
  );
}
