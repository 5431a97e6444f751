/** The live trace of a run: invocations with their message, logs, errors and connection events, filterable. */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TraceEvent } from '../../../runtime/studio/protocol.ts';
import { useStudio, type TraceRow } from '../store.ts';
import { describe, inputLabel, nodesOf, pathOf } from './trace-rows.ts';
import { ReplayConnectionButton } from '../debug/ReplayButtons.tsx';

const TRACE_SHOWN = 300;
/** The node filter's value for "whatever is selected on the canvas". */
const SELECTED = '@selected';

function InputCell({ event }: { event: TraceEvent }) {
  const [expanded, setExpanded] = useState(false);
  if (event.kind !== 'invoke' || !event.input) return null;
  const { text, expandable } = inputLabel(event.input, expanded);
  if (!expandable) return <span className="trace__input" data-testid="trace-input">{text}</span>;
  return (
    <button
      className="trace__input trace__input--more"
      data-testid="trace-input"
      aria-expanded={expanded}
      title={expanded ? 'Show less' : 'Show more of the message'}
      onClick={() => setExpanded(!expanded)}
    >
      {text}
    </button>
  );
}

/**
 * Picking an invocation's row: the path its chain took is lit on the canvas (picking it again
 * clears it); a failure selects the node that failed and, for an action node's field, focuses it.
 */
function pickRow(seq: number, event: TraceEvent): void {
  const state = useStudio.getState();
  if (event.kind !== 'invoke') return;
  if (state.tracePath?.seq === seq) {
    state.set({ tracePath: undefined });
    return;
  }
  const error = event.error;
  const failed = error?.nodeId || event.nodeId;
  state.set({ tracePath: pathOf(event, seq) ?? { seq, nodes: [event.nodeId], edges: [] } });
  state.select([failed]);
  if (error?.field && error.field !== 'code') state.set({ fieldFocus: { nodeId: failed, field: error.field, seq: Date.now() } });
  else if (error?.line !== undefined) state.set({ editorJump: { nodeId: failed, line: error.line, col: error.col ?? 1, seq: Date.now() } });
}

export function TraceList() {
  const trace = useStudio((s) => s.trace);
  const dropped = useStudio((s) => s.traceDropped);
  const selected = useStudio((s) => s.selectedNodes);
  const focus = useStudio((s) => s.traceFocus);
  const picked = useStudio((s) => s.tracePath?.seq);
  const [node, setNode] = useState('');
  const [onlyErrors, setOnlyErrors] = useState(false);
  const [connection, setConnection] = useState('');
  const connections = useMemo(() => [...new Set(trace.flatMap((r) => ('connectionId' in r.event ? [r.event.connectionId] : [])))], [trace]);
  const nodes = useMemo(() => [...new Set(trace.flatMap((r) => nodesOf(r.event)))].sort(), [trace]);
  const focused = useRef<HTMLLIElement>(null);
  useEffect(() => {
    focused.current?.scrollIntoView({ block: 'center' });
    focused.current?.focus();
  }, [focus]);
  const rows = useMemo(() => {
    let list: TraceRow[] = trace;
    const wanted = node === SELECTED ? selected : node ? [node] : null;
    if (wanted) list = list.filter((r) => nodesOf(r.event).some((id) => wanted.includes(id)));
    if (connection) list = list.filter((r) => 'connectionId' in r.event && r.event.connectionId === connection);
    const described = list.map((r) => ({ seq: r.seq, t: r.event.t, ...describe(r.event), event: r.event }));
    const filtered = onlyErrors ? described.filter((r) => r.level !== 'info') : described;
    return filtered.slice(-TRACE_SHOWN).reverse();
  }, [trace, node, onlyErrors, selected, connection]);
  return (
    <div className="trace">
      <div className="trace__bar">
        <label className="check">
          Node
          <select className="input input--tiny" value={node} onChange={(e) => setNode(e.target.value)} data-testid="trace-node">
            <option value="">all</option>
            <option value={SELECTED}>selected on the canvas</option>
            {nodes.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <label className="check">
          Connection
          <select className="input input--tiny" value={connection} onChange={(e) => setConnection(e.target.value)} data-testid="trace-connection">
            <option value="">all</option>
            {connections.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <ReplayConnectionButton connectionId={connection} />
        <label className="check"><input type="checkbox" checked={onlyErrors} onChange={(e) => setOnlyErrors(e.target.checked)} /> Warnings and errors</label>
        <span className="muted small">{dropped > 0 ? `${dropped.toLocaleString()} routine invocations sampled out to stay responsive` : 'Newest first'}</span>
        <button className="btn btn--ghost btn--small" onClick={() => useStudio.getState().set({ trace: [], traceDropped: 0, tracePath: undefined })}>Clear</button>
      </div>
      {rows.length === 0 ? (
        <div className="empty-note">{trace.length ? 'No events match the filters.' : 'Start the flow and connect a client: invocations, logs and errors appear here.'}</div>
      ) : (
        <ul className="trace__list" data-testid="trace-list">
          {rows.map((r) => (
            <li key={r.seq} className={`trace__row trace__row--${r.level} ${r.seq === focus ? 'trace__row--focus' : ''} ${r.seq === picked ? 'trace__row--picked' : ''}`} ref={r.seq === focus ? focused : undefined} tabIndex={r.seq === focus ? -1 : undefined} data-seq={r.seq}>
              <span className="trace__time">{new Date(r.t).toLocaleTimeString(undefined, { hour12: false })}</span>
              <button
                className="trace__node"
                aria-pressed={r.event.kind === 'invoke' ? r.seq === picked : undefined}
                title={r.event.kind === 'invoke' ? 'Select this invocation: its path is lit on the canvas' : undefined}
                onClick={() => pickRow(r.seq, r.event)}
              >
                {r.node}
              </button>
              <span className="trace__text">
                {r.text}
                <InputCell event={r.event} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
