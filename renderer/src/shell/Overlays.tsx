/** Toasts, the recovery offer and the status bar. */
import { discardRecovery, restoreRecovery } from '../services.ts';
import { useStudio } from '../store.ts';

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
  if (!recovery) return null;
  return (
    <div className="banner" role="alert" data-testid="recovery-banner">
      <span>
        Unsaved work from {new Date(recovery.savedAt).toLocaleString()} was recovered (the designer closed before it was saved).
      </span>
      <button className="btn btn--primary btn--small" onClick={restoreRecovery} data-testid="recovery-restore">Restore</button>
      <button className="btn btn--small" onClick={() => void discardRecovery()}>Discard</button>
    </div>
  );
}

export function StatusBar() {
  const connected = useStudio((s) => s.connected);
  const run = useStudio((s) => s.run);
  const stats = useStudio((s) => s.stats);
  const reloadNote = useStudio((s) => s.reloadNote);
  const problems = useStudio((s) => s.problems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`status-dot ${connected ? 'status-dot--ok' : 'status-dot--bad'}`} title={connected ? 'Connected to the studio backend' : 'Not connected'} />
      {run ? (
        <>
          <span className="status-run" data-testid="run-status">● running <span className="mono">{run.url}</span></span>
          <span data-testid="run-connections">{stats?.connections ?? 0} connections</span>
          <span data-testid="run-rate" title={`${(stats?.messagesIn ?? 0).toLocaleString()} messages in, ${(stats?.messagesOut ?? 0).toLocaleString()} out since start`}>
            {(stats?.inPerSec ?? 0).toLocaleString()} msg/s in · {(stats?.outPerSec ?? 0).toLocaleString()} out
            <span className="muted"> ({(stats?.messagesIn ?? 0).toLocaleString()} / {(stats?.messagesOut ?? 0).toLocaleString()} total)</span>
          </span>
          {reloadNote && <span className="muted" data-testid="reload-note">{reloadNote}</span>}
        </>
      ) : (
        <span className="muted">stopped</span>
      )}
      <span className="statusbar__spacer" />
      <span className={errors ? 'text-error' : 'muted'}>{errors} {errors === 1 ? 'error' : 'errors'}</span>
      <span className={warnings ? 'text-warn' : 'muted'}>{warnings} {warnings === 1 ? 'warning' : 'warnings'}</span>
    </footer>
  );
}
