/**
 * "Record test" in the test-client panel: shows what the clients did as test steps, lets the user
 * pick how each received message is compared (exact, regex with ids loosened, JSON subset without
 * ids and times), and saves the test into the flow's NAME.wsflow.test.yaml.
 */
import { useMemo, useState } from 'react';
import { useStudio } from '../store.ts';
import { describeStep, recordSession, type ModeChoice } from './recording.ts';
import { useServices } from '../app-context.tsx';
import { saveRecording } from './tests-service.ts';
import './tests.css';

export function RecordButton() {
  const [open, setOpen] = useState(false);
  const clients = useStudio((s) => s.clients);
  return (
    <div className="record__wrap">
      <div className="record__bar">
        <button className="btn btn--small" type="button" disabled={clients.length === 0} onClick={() => setOpen(!open)} data-testid="record-open" title="Turn what the clients sent and received into a flow test">
          ● Record test
        </button>
        <span className="muted small">Turns what the clients sent and received into a flow test.</span>
      </div>
      {open && <RecordPanel onDone={() => setOpen(false)} />}
    </div>
  );
}

function RecordPanel({ onDone }: { onDone: () => void }) {
  const services = useServices();
  const clients = useStudio((s) => s.clients);
  const path = useStudio((s) => s.path);
  const [name, setName] = useState('');
  const [modes, setModes] = useState<Record<number, ModeChoice>>({});
  const preview = useMemo(() => recordSession(clients, name, modes), [clients, name, modes]);
  const save = async () => {
    if (await saveRecording(services.client, recordSession(clients, name.trim(), modes))) onDone();
  };
  return (
    <form
      className="record"
      data-testid="record-panel"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="tests__bar">
        <input className="input" placeholder="test name" aria-label="test name" data-testid="record-name" value={name} onChange={(e) => setName(e.target.value)} />
        <button className="btn btn--primary btn--small" type="submit" disabled={!name.trim() || preview.steps.length === 0 || !path} data-testid="record-save">
          Save test
        </button>
        <button className="btn btn--ghost btn--small" type="button" onClick={onDone}>Cancel</button>
        <span className="muted small">{path ? `into ${path.replace(/\.wsflow\.yaml$/, '.wsflow.test.yaml')}` : 'Save the flow first.'}</span>
      </div>
      <ol className="record__steps" data-testid="record-steps">
        {preview.steps.map((step, i) => (
          <li key={i} className="record__step">
            <span title={describeStep(step)}>{describeStep(step)}</span>
            {step.kind === 'receive' && !step.binary && (
              <select className="input" aria-label={`compare step ${i + 1}`} data-testid={`record-mode-${i}`} value={modes[i] ?? 'auto'} onChange={(e) => setModes({ ...modes, [i]: e.target.value as ModeChoice })}>
                <option value="auto">auto</option>
                <option value="exact">exact</option>
                <option value="regex">regex (ids loosened)</option>
                <option value="json">JSON subset</option>
              </select>
            )}
          </li>
        ))}
      </ol>
    </form>
  );
}
