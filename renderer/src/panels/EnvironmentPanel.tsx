/**
 * The Environment tab: every `${env.NAME}` the flow reads, where (node and field), and whether the
 * studio has it set for the next run. Values are never shown: the backend only says set or unset.
 * A value typed here is sent to the studio and kept in its memory for this session (the next Run
 * uses it); it is never written into the flow file.
 */
import { useEffect, useMemo, useState } from 'react';
import { envReferences } from '../../../runtime/model/connectors.ts';
import type { EnvVarStatus } from '../../../runtime/studio/protocol.ts';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';
import './environment.css';

interface Usage {
  nodeId: string;
  field: string;
}

const SOURCE_LABEL: Record<NonNullable<EnvVarStatus['source']>, string> = {
  session: 'set for this session',
  environment: 'set in the studio’s environment',
  envFile: 'set by --env-file',
};

export function EnvironmentPanel() {
  const flow = useStudio((s) => s.flow);
  const status = useStudio((s) => s.envStatus);
  const envFile = useStudio((s) => s.envFile);
  const services = useServices();
  const variables = useMemo(() => {
    const byName = new Map<string, Usage[]>();
    for (const ref of envReferences(flow)) byName.set(ref.name, [...(byName.get(ref.name) ?? []), { nodeId: ref.nodeId, field: ref.path.slice(2).join('.') }]);
    return [...byName].sort(([a], [b]) => a.localeCompare(b));
  }, [flow]);

  // Opening the tab asks again: another window, or a refused Run, may have changed what is set.
  useEffect(() => void services.refreshEnv(true), [services]);

  if (variables.length === 0) {
    return <div className="empty-note" data-testid="env-empty">This flow reads no environment variables (<span className="mono">{'${env.NAME}'}</span> in a node’s fields).</div>;
  }
  return (
    <div className="envpanel" data-testid="env-panel">
      <p className="envpanel__note muted small">
        Values are never shown or saved in the flow. A value set here is kept by the studio for this session and used by the next Run.
        {envFile && <> Env file: <span className="mono">{envFile}</span> (the studio’s own environment wins over it).</>}
      </p>
      <table className="envpanel__table">
        <thead>
          <tr>
            <th scope="col">Variable</th>
            <th scope="col">Used by</th>
            <th scope="col">Status</th>
            <th scope="col">Value for this session</th>
          </tr>
        </thead>
        <tbody>
          {variables.map(([name, usages]) => (
            <EnvRow key={name} name={name} usages={usages} status={status[name]} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EnvRow({ name, usages, status }: { name: string; usages: Usage[]; status: EnvVarStatus | undefined }) {
  const services = useServices();
  const select = useStudio((s) => s.select);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const set = status?.set === true;
  const save = async (next: string) => {
    setBusy(true);
    if (await services.setEnv(name, next)) setValue('');
    setBusy(false);
  };
  return (
    <tr data-testid={`env-row-${name}`}>
      <th scope="row" className="mono">{name}</th>
      <td>
        <ul className="envpanel__uses">
          {usages.map((u, i) => (
            <li key={i}>
              <button className="btn btn--ghost btn--small mono" title={`Select node ${u.nodeId}`} onClick={() => select([u.nodeId])} data-testid={`env-use-${name}-${u.nodeId}`}>
                {u.nodeId} · {u.field}
              </button>
            </li>
          ))}
        </ul>
      </td>
      <td>
        {status === undefined ? (
          <span className="muted small">checking…</span>
        ) : (
          <span className={`envpanel__status envpanel__status--${set ? 'set' : 'unset'}`} data-testid={`env-status-${name}`} title={status.source ? SOURCE_LABEL[status.source] : 'not set: a Run refuses to start'}>
            {set ? 'set' : 'unset'}
            {status.source && <span className="muted small"> ({status.source === 'session' ? 'this session' : status.source === 'envFile' ? 'env file' : 'environment'})</span>}
          </span>
        )}
      </td>
      <td>
        <form
          className="envpanel__form"
          onSubmit={(e) => {
            e.preventDefault();
            if (value !== '') void save(value);
          }}
        >
          {/* A password field: the value may be a secret, and someone may be looking at the screen. */}
          <input
            className="input input--mono"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={set ? 'new value' : 'value'}
            aria-label={`Value of ${name} for this session`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            data-testid={`env-value-${name}`}
          />
          <button className="btn btn--small" type="submit" disabled={busy || value === ''} data-testid={`env-set-${name}`}>
            Set for session
          </button>
          {status?.source === 'session' && (
            <button className="btn btn--ghost btn--small" type="button" disabled={busy} onClick={() => void save('')} data-testid={`env-forget-${name}`} title="Forget the session's value">
              Forget
            </button>
          )}
        </form>
      </td>
    </tr>
  );
}
