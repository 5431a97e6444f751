/**
 * The Run gate: the errors on the nodes that would run, before a start. "Run anyway" starts it
 * (the backend still refuses what it cannot serve); "Show problems" opens the list instead.
 */
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';
import { Modal } from './Modal.tsx';

const SHOWN = 8;

export function RunGateDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const problems = useStudio((s) => s.runGate) ?? [];
  const count = problems.length;
  return (
    <Modal title={`The flow has ${count} error${count === 1 ? '' : 's'}`} onClose={onClose} testId="dialog-run-gate">
      <p>It may not behave as drawn. Run it anyway?</p>
      <ul className="gate-list">
        {problems.slice(0, SHOWN).map((p, i) => (
          <li key={i} className="gate-list__item" data-testid="run-gate-problem">
            <span className="mono small">{p.code}</span> {p.nodeId ? <strong>{p.nodeId}</strong> : null} {p.message}
          </li>
        ))}
        {count > SHOWN && <li className="muted small">and {count - SHOWN} more in Problems</li>}
      </ul>
      <div className="modal__actions">
        <button
          className="btn"
          data-testid="run-gate-show"
          onClick={() => {
            onClose();
            useStudio.getState().showTab('problems');
          }}
        >
          Show problems
        </button>
        <button className="btn btn--primary" data-testid="run-gate-run" onClick={() => void services.startRun(true)}>
          Run anyway
        </button>
      </div>
    </Modal>
  );
}
