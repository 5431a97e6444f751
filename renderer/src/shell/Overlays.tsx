/** Toasts, the recovery offer, the runtime-error notice and the status bar. */
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';

/** "1 connection", "2 connections". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export function Toasts() {
  const toasts = useStudio((s) => s.toasts);
  const dismiss = useStudio((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast--${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
          <span>{t.text}</span>
          <button className="toast__close" onClick={() => dismiss(t.id)} aria-label="Dismiss">✕</button>
        </div>
      ))}
    </div>
  );
}

export function RecoveryBanner() {
  const recovery = useStudio((s) => s.recovery);
  const services = useServices();
  if (!recovery) return null;
  return (
    <div className="banner" role="alert" data-testid="recovery-banner">
      <span>
        Unsaved work from {new Date(recovery.savedAt).toLocaleString()} was recovered (the designer closed before it was saved).
      </span>
      <button className="btn btn--primary btn--small" onClick={services.restoreRecovery} data-testid="recovery-restore">Restore</button>
      <button className="btn btn--small" onClick={() => void services.discardRecovery()}>Discard</button>
    </div>
  );
}

/**
 * The first runtime error of a run: a notice that opens the Trace at its row. It sits at the top
 * of the canvas column; with the editor maximized (no canvas), above the status bar.
 */
export function RuntimeNotice({ atBottom = false }: { atBottom?: boolean }) {
  const notice = useStudio((s) => s.runtimeNotice);
  if (!notice) return null;
  const { problem } = notice;
  const dismiss = () => useStudio.getState().set({ runtimeNotice: undefined });
  // An action node's field (never a line of the code generated around it).
  const field = problem.field && problem.field !== 'code' && problem.field !== 'type' ? problem.field : undefined;
  const goToNode = () => {
    const state = useStudio.getState();
    if (!problem.nodeId) return;
    state.select([problem.nodeId]);
    state.set({ centerOn: { id: problem.nodeId, seq: Date.now() } });
    if (field) state.set({ fieldFocus: { nodeId: problem.nodeId, field, seq: Date.now() } });
  };
  return (
    <div className={`runtime-notice ${atBottom ? 'runtime-notice--bottom' : ''}`} role="alert" data-testid="runtime-notice">
      <button className="runtime-notice__text" title={`${problem.message} (select the node${field ? ` and its field '${field}'` : ''})`} data-testid="runtime-notice-go" onClick={goToNode}>
        {/* An action node's field fails; a snippet throws; a connector's broker or backend fails (its message says how). */}
        {field ? (
          <>'<b>{problem.nodeId}</b>' failed in field '{field}': {problem.message}</>
        ) : (
          <><b>{problem.nodeId}</b>{problem.code.startsWith('WSF_SNIPPET_') ? ' threw while running' : ''}{problem.line !== undefined ? ` (line ${problem.line})` : ''}: {problem.message}</>
        )}
      </button>
      <button
        className="btn btn--small btn--primary"
        data-testid="runtime-notice-open"
        onClick={() => {
          const state = useStudio.getState();
          state.showTab('trace');
          state.set({ traceFocus: notice.traceSeq, runtimeNotice: undefined });
        }}
      >
        Show in Trace
      </button>
      <button className="btn btn--small btn--ghost" onClick={dismiss} aria-label="Dismiss the notice">✕</button>
    </div>
  );
}

export function StatusBar() {
  const connected = useStudio((s) => s.connected);
  const run = useStudio((s) => s.run);
  const stats = useStudio((s) => s.stats);
  const reloadNote = useStudio((s) => s.reloadNote);
  const problems = useStudio((s) => s.problems);
  const runtime = useStudio((s) => s.runtimeErrors);
  const autosaveError = useStudio((s) => s.autosaveError);
  const validateError = useStudio((s) => s.validateError);
  const validating = useStudio((s) => s.validating);
  const runtimeCount = runtime.reduce((n, r) => n + r.count, 0);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const totalIn = stats?.messagesIn ?? 0;
  const totalOut = stats?.messagesOut ?? 0;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`status-dot ${connected ? 'status-dot--ok' : 'status-dot--bad'}`} role="img" aria-label={connected ? 'Connected to the studio backend' : 'Not connected to the studio backend'} title={connected ? 'Connected to the studio backend' : 'Not connected'} />
      {run ? (
        <>
          <span className="status-run" data-testid="run-status">● running <span className="mono">{run.url}</span></span>
          <span data-testid="run-connections">{plural(stats?.connections ?? 0, 'connection')}</span>
          <span className="statusbar__note" data-testid="run-rate" title="Totals since the run started; the rate is over the last second">
            {plural(totalIn, 'message')} in, {totalOut.toLocaleString()} out
            <span className="muted"> (now {(stats?.inPerSec ?? 0).toLocaleString()}/s in, {(stats?.outPerSec ?? 0).toLocaleString()}/s out)</span>
          </span>
          {reloadNote && <span className="muted statusbar__note statusbar__note--first" data-testid="reload-note" title={reloadNote}>{reloadNote}</span>}
        </>
      ) : (
        <span className="muted">stopped</span>
      )}
      {autosaveError && <span className="text-error statusbar__note" data-testid="autosave-error" title={autosaveError}>autosave failed: {autosaveError}</span>}
      {validateError && <span className="text-error statusbar__note" data-testid="validate-error" title={validateError}>check failed: {validateError}</span>}
      <span className="statusbar__spacer" />
      {validating && <span className="muted" data-testid="checking">checking…</span>}
      {runtimeCount > 0 && <span className="text-error" data-testid="runtime-count">{plural(runtimeCount, 'runtime error')}</span>}
      <span className={errors ? 'text-error' : 'muted'} data-testid="error-count">{plural(errors, 'error')}</span>
      <span className={warnings ? 'text-warn' : 'muted'}>{plural(warnings, 'warning')}</span>
    </footer>
  );
}
