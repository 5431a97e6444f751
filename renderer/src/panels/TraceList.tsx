/** The live trace of a run: invocations, logs, errors and connection events, filterable. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TraceEvent } from '../../../runtime/studio/protocol.ts';
import { useStudio, type TraceRow } from '../store.ts';

const TRACE_SHOWN = 300;

function describe(event: TraceEvent): { node: string; text: string; level: 'info' | 'warn' | 'error' } {
  switch (event.kind) {
    case 'invoke': {
      if (event.error) {
        const where = event.error.line !== undefined ? ` (line ${event.error.line})` : '';
        return { node: event.nodeId, text: `${event.event}: ${event.error.code} ${event.error.message}${where}`, level: 'error' };
      }
      const logs = event.logs.map((l) => `${l.level === 'info' ? '' : `${l.level}: `}${l.message}`).join(' | ');
      const level = event.logs.some((l) => l.level === 'error') ? 'error' : event.logs.some((l) => l.level === 'warn') ? 'warn' : 'info';
      return { node: event.nodeId, text: `${event.event} ${event.durationMs.toFixed(1)} ms${logs ? ` — ${logs}` : ''}`, level };
    }
    case 'connection': {
      const detail = event.state === 'close' ? ` ${event.code ?? ''} ${event.reason ?? ''}` : event.state === 'rejected' ? ` HTTP ${event.status ?? ''} ${event.reason ?? ''}` : '';
      return { node: event.serviceId ?? event.upgraderId ?? '', text: `connection ${event.state} ${event.path}${detail}`, level: event.state === 'rejected' ? 'warn' : 'info' };
    }
    case 'engine':
      return { node: event.nodeId ?? 'engine', text: `${event.code} ${event.message}`, level: event.level };
    case 'summary':
      return { node: '', text: `summary: ${event.messagesIn} in, ${event.messagesOut} out`, level: 'info' };
    case 'outbound':
      // A connector's call: what, how long, and how it ended.
      return { node: event.nodeId, text: `${event.connector} ${event.target} ${event.durationMs.toFixed(1)} ms → ${event.result}`, level: event.ok ? 'info' : 'error' };
  }
}

export function TraceList() {
  const trace = useStudio((s) => s.trace);
  const dropped = useStudio((s) => s.traceDropped);
  const selected = useStudio((s) => s.selectedNodes);
  const focus = useStudio((s) => s.traceFocus);
  const [onlySelected, setOnlySelected] = useState(false);
  const [onlyErrors, setOnlyErrors] = useState(false);
  const [connection, setConnection] = useState('');
  const connections = useMemo(() => [...new Set(trace.flatMap((r) => ('connectionId' in r.event ? [r.event.connectionId] : [])))], [trace]);
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView({ block: 'center' });
    focused.current?.focus();
  }, [focus]);
  const rows = useMemo(() => {
    let list: TraceRow[] = trace;
    if (onlySelected && selected.length) list = list.filter((r) => r.event.kind === 'invoke' && selected.includes(r.event.nodeId));
    if (connection) list = list.filter((r) => 'connectionId' in r.event && r.event.connectionId === connection);
    const described = list.map((r) => ({ seq: r.seq, t: r.event.t, ...describe(r.event), event: r.event }));
    const filtered = onlyErrors ? described.filter((r) => r.level !== 'info') : described;
    return filtered.slice(-TRACE_SHOWN).reverse();
  }, [trace, onlySelected, onlyErrors, selected, connection]);
  return (
    <div className="trace">
      <div className="trace__bar">
        <label className="check"><input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} /> Selected node only</label>
        <label className="check"><input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} /> Warnings and errors</label>
        <label className="check">
          Connection
          <select className="input input--tiny" value={connection} onChange={(e) => setConnection(e.target.value)} data-testid="trace-connection">
            <option value="">all</option>
            {connections.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <span className="muted small">{dropped > 0 ? `${dropped.toLocaleString()} routine invocations sampled out to stay responsive` : 'Newest first'}</span>
        <button className="btn btn--ghost btn--small" onClick={() => useStudio.getState().set({ trace: [], traceDropped: 0 })}>Clear</button>
      </div>
      {rows.length === 0 ? (
        <div className="empty-note">Start the flow and connect a client: invocations, logs and errors appear here.</div>
      ) : (
        <ul className="trace__list" data-testid="trace-list">
          {rows.map((r) => (
            <li key={r.seq} className={`trace__row trace__row--${r.level} ${r.seq === focus ? 'trace__row--focus' : ''}`} ref={r.seq === focus ? focused : undefined} tabIndex={r.seq === focus ? -1 : undefined} data-seq={r.seq}>
              <span className="trace__time">{new Date(r.t).toLocaleTimeString(undefined, { hour12: false })}</span>
              <button
                className="trace__node"
                onClick={() => {
                  if (r.event.kind !== 'invoke') return;
                  const line = r.event.error?.line;
                  useStudio.getState().select([r.event.nodeId]);
                  if (line !== undefined) useStudio.getState().set({ editorJump: { nodeId: r.event.nodeId, line, col: r.event.error?.col ?? 1, seq: Date.now() } });
                }}
              >
                {r.node}
              </button>
              <span className="trace__text">{r.text}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
