/**
 * The Debug panel (`data-testid="debug-panel"`): the connections paused at breakpoints; for the
 * picked one, where it waits, its message, `json`, `vars` (each value editable as JSON before it
 * goes on), `conn.params` and `conn.attributes`; Step (F10) and Continue (F5).
 */
import { useEffect, useState } from 'react';
import type { DebugPause } from '../../../runtime/studio/protocol.ts';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';
import './debug.css';

const pretty = (value: unknown) => JSON.stringify(value, null, 2) ?? 'undefined';

function VarRow({ name, json }: { name: string; json: string }) {
  const services = useServices();
  const [text, setText] = useState(json);
  useEffect(() => setText(json), [json]);
  const commit = () => {
    if (text !== json) void services.setDebugVar(name, text).then((ok) => ok || setText(json));
  };
  return (
    <>
      <label htmlFor={`debug-var-${name}`}>{name}</label>
      <input
        id={`debug-var-${name}`}
        className="input input--tiny"
        data-testid={`debug-var-${name}`}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setText(json);
        }}
      />
    </>
  );
}

function Detail({ pause }: { pause: DebugPause }) {
  const services = useServices();
  const vars = Object.entries(pause.vars ?? {});
  return (
    <div className="debug__detail" data-testid="debug-detail">
      <div className="debug__bar">
        <span className="muted" data-testid="debug-where">
          Connection <code>{pause.connectionId}</code> paused at <strong>{pause.nodeId}</strong>
          {pause.nodeId !== pause.handlerId ? ` (${pause.handlerId}, ${pause.event})` : ` (before the ${pause.event} handler runs)`}
        </span>
        <button className="btn btn--small" data-testid="debug-step" title="Run to the next node (F10)" onClick={() => void services.debugStep()}>Step (F10)</button>
        <button className="btn btn--small btn--primary" data-testid="debug-continue" title="Run on to the next breakpoint (F5)" onClick={() => void services.debugContinue()}>Continue (F5)</button>
      </div>
      {pause.message && (
        <section className="debug__section">
          <h4>Message ({pause.message.type}, {pause.message.size} {pause.message.type === 'text' ? 'characters' : 'bytes'})</h4>
          <pre className="debug__pre" data-testid="debug-message">{pause.message.preview}{pause.message.truncated ? '…' : ''}</pre>
        </section>
      )}
      {pause.json !== undefined && (
        <section className="debug__section">
          <h4>json</h4>
          <pre className="debug__pre" data-testid="debug-json">{pretty(pause.json)}</pre>
        </section>
      )}
      <section className="debug__section">
        <h4>vars</h4>
        {vars.length === 0 ? (
          <span className="muted" data-testid="debug-vars-empty">{pause.vars ? 'empty so far' : 'this chain has no vars'}</span>
        ) : (
          <div className="debug__vars" data-testid="debug-vars">
            {vars.map(([name, json]) => <VarRow key={`${pause.connectionId}:${name}`} name={name} json={json} />)}
          </div>
        )}
      </section>
      <section className="debug__section">
        <h4>conn.params</h4>
        <pre className="debug__pre" data-testid="debug-params">{pretty(pause.params)}</pre>
      </section>
      <section className="debug__section">
        <h4>conn.attributes</h4>
        <pre className="debug__pre" data-testid="debug-attributes">{pretty(pause.attributes)}</pre>
      </section>
    </div>
  );
}

export function DebugPanel() {
  const paused = useStudio((s) => s.paused);
  const pick = useStudio((s) => s.pausedPick);
  const breakpoints = useStudio((s) => s.breakpoints);
  const picked = paused.find((p) => p.connectionId === pick) ?? paused[0];
  if (!picked) {
    return (
      <div className="debug" data-testid="debug-panel">
        <p className="debug__empty" data-testid="debug-empty">
          No connection is paused.{' '}
          {breakpoints.length > 0 ? `Breakpoints: ${breakpoints.join(', ')}.` : 'Select a node on the canvas and press F9 to set a breakpoint.'}
        </p>
      </div>
    );
  }
  return (
    <div className="debug" data-testid="debug-panel">
      <ul className="debug__list" aria-label="Paused connections">
        {paused.map((p) => (
          <li key={p.connectionId}>
            <button
              className={`debug__conn ${p.connectionId === picked.connectionId ? 'debug__conn--picked' : ''}`}
              data-testid={`debug-conn-${p.connectionId}`}
              aria-pressed={p.connectionId === picked.connectionId}
              onClick={() => useStudio.getState().set({ pausedPick: p.connectionId })}
            >
              <code>{p.connectionId}</code> at <strong>{p.nodeId}</strong>
              {p.message && <div className="muted">{p.message.preview.slice(0, 60)}</div>}
            </button>
          </li>
        ))}
      </ul>
      <Detail pause={picked} />
    </div>
  );
}
