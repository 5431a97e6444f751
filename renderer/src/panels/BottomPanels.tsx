/**
 * The bottom dock: problems (every validation problem, click to jump), the live trace/log, and
 * the test clients.
 */
import { useMemo, useState } from 'react';
import type { TraceEvent } from '../../../runtime/studio/protocol.ts';
import { jumpToProblem } from '../services.ts';
import { useStudio, type BottomTab, type TraceRow } from '../store.ts';
import { ClientsPanel } from './ClientsPanel.tsx';

const TRACE_SHOWN = 300;

export function BottomPanels() {
  const tab = useStudio((s) => s.bottomTab);
  const open = useStudio((s) => s.bottomOpen);
  const problems = useStudio((s) => s.problems);
  const traceCount = useStudio((s) => s.trace.length);
  const clients = useStudio((s) => s.clients.length);
  const set = useStudio((s) => s.set);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const tabs: { id: BottomTab; label: string; count?: number | undefined; alert?: boolean }[] = [
    { id: 'problems', label: 'Problems', count: problems.length, alert: errors > 0 },
    { id: 'trace', label: 'Trace', count: traceCount || undefined },
    { id: 'clients', label: 'Test clients', count: clients || undefined },
  ];
  return (
    <section className={`dock ${open ? '' : 'dock--closed'}`}>
      <div className="dock__tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={open && tab === t.id}
            data-testid={`tab-${t.id}`}
            className={`dock__tab ${open && tab === t.id ? 'dock__tab--active' : ''}`}
            onClick={() => set(open && tab === t.id ? { bottomOpen: false } : { bottomTab: t.id, bottomOpen: true })}
          >
            {t.label}
            {t.count !== undefined && <span className={`count ${t.alert ? 'count--error' : ''}`}>{t.count}</span>}
          </button>
        ))}
        <span className="dock__spacer" />
        <button className="btn btn--ghost btn--small" title={open ? 'Hide panel' : 'Show panel'} onClick={() => set({ bottomOpen: !open })}>
          {open ? '▾' : '▴'}
        </button>
      </div>
      {open && (
        <div className="dock__body">
          {tab === 'problems' && <ProblemsList />}
          {tab === 'trace' && <TraceList />}
          {tab === 'clients' && <ClientsPanel />}
        </div>
      )}
    </section>
  );
}

function ProblemsList() {
  const problems = useStudio((s) => s.problems);
  const validating = useStudio((s) => s.validating);
  if (problems.length === 0) {
    return <div className="empty-note" data-testid="problems-empty">{validating ? 'Checking…' : '✓ No problems. The flow is valid.'}</div>;
  }
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => (
        <li key={i}>
          <button className={`problem problem--${p.severity}`} onClick={() => jumpToProblem(p)} title="Go to the problem">
            <span className="problem__icon">{p.severity === 'error' ? '●' : '▲'}</span>
            <span className="problem__msg">{p.message}</span>
            {p.nodeId && <span className="problem__node">{p.nodeId}</span>}
            <span className="problem__where">{p.line !== undefined ? `${p.file ?? ''}:${p.line}:${p.col ?? 1}` : ''}</span>
            <span className="problem__code">{p.code}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

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

function TraceList() {
  const trace = useStudio((s) => s.trace);
  const dropped = useStudio((s) => s.traceDropped);
  const selected = useStudio((s) => s.selectedNodes);
  const [onlySelected, setOnlySelected] = useState(false);
  const [onlyErrors, setOnlyErrors] = useState(false);
  const rows = useMemo(() => {
    let list: TraceRow[] = trace;
    if (onlySelected && selected.length) list = list.filter((r) => r.event.kind === 'invoke' && selected.includes(r.event.nodeId));
    const described = list.map((r) => ({ seq: r.seq, t: r.event.t, ...describe(r.event), event: r.event }));
    const filtered = onlyErrors ? described.filter((r) => r.level !== 'info') : described;
    return filtered.slice(-TRACE_SHOWN).reverse();
  }, [trace, onlySelected, onlyErrors, selected]);
  return (
    <div className="trace">
      <div className="trace__bar">
        <label className="check"><input type="checkbox" checked={onlySelected} onChange={(e) => setOnlySelected(e.target.checked)} /> Selected node only</label>
        <label className="check"><input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} /> Warnings and errors</label>
        <span className="muted small">{dropped > 0 ? `${dropped.toLocaleString()} routine invocations sampled out to stay responsive` : 'Newest first'}</span>
        <button className="btn btn--ghost btn--small" onClick={() => useStudio.getState().set({ trace: [], traceDropped: 0 })}>Clear</button>
      </div>
      {rows.length === 0 ? (
        <div className="empty-note">Start the flow and connect a client: invocations, logs and errors appear here.</div>
      ) : (
        <ul className="trace__list" data-testid="trace-list">
          {rows.map((r) => (
            <li key={r.seq} className={`trace__row trace__row--${r.level}`}>
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
