/**
 * The Tests panel: the flow's tests (NAME.wsflow.test.yaml), run one or all against the live run,
 * pass/fail per step with expected vs received, and the nodes that ran in failing tests marked on
 * the canvas (TestMarks).
 */
import { useEffect } from 'react';
import type { FlowTestRun } from '../../../runtime/studio/protocol.ts';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';
import { useTests } from './tests-store.ts';
import './tests.css';
import { ReplayTestButton } from '../debug/ReplayButtons.tsx';

export function TestsPanel() {
  const { loadTests, runTests } = useServices();
  const path = useStudio((s) => s.path);
  const run = useStudio((s) => s.run);
  const info = useTests((s) => s.info);
  const results = useTests((s) => s.results);
  const running = useTests((s) => s.running);
  useEffect(() => {
    void loadTests();
  }, [path, loadTests]);
  if (!path) return <div className="empty-note">Save the flow first: its tests live beside it in NAME.wsflow.test.yaml.</div>;
  const tests = info?.tests ?? [];
  return (
    <div className="tests" data-testid="tests-panel">
      <div className="tests__bar">
        <button className="btn btn--primary btn--small" disabled={!run || running || tests.length === 0} onClick={() => void runTests()} data-testid="tests-run-all">
          {running ? 'Running…' : 'Run all'}
        </button>
        <button className="btn btn--ghost btn--small" onClick={() => void loadTests()} data-testid="tests-reload">Reload</button>
        <span className="muted small mono">{info?.path ?? ''}</span>
        <span className="muted small">{run ? 'against the live run' : 'Start the flow (F5) to run tests.'}</span>
      </div>
      {info && info.problems.length > 0 && (
        <ul className="problems">
          {info.problems.map((p, i) => (
            <li key={i} className="problem problem--error">{`${p.file ?? ''}:${p.line ?? ''}:${p.col ?? ''} ${p.message} (${p.code})`}</li>
          ))}
        </ul>
      )}
      {tests.length === 0 ? (
        <div className="empty-note">{info?.exists ? 'No tests in the file.' : 'No tests yet. Connect test clients, then “Record test”.'}</div>
      ) : (
        <ul className="tests__list" data-testid="tests-list">
          {tests.map((t) => (
            <TestItem key={t.name} name={t.name} steps={t.steps} result={results[t.name]} canRun={!!run && !running} />
          ))}
        </ul>
      )}
    </div>
  );
}

function TestItem({ name, steps, result, canRun }: { name: string; steps: string[]; result: FlowTestRun | undefined; canRun: boolean }) {
  const { runTests } = useServices();
  const failure = result?.failure;
  return (
    <li className="test" data-testid="test-item" data-status={result?.status ?? 'not-run'}>
      <div className="test__head">
        <span className={`test__status test__status--${result?.status ?? 'none'}`}>{result ? (result.status === 'passed' ? '✓' : '✗') : '○'}</span>
        <span className="test__name">{name}</span>
        {result && <span className="muted small">{result.durationMs} ms</span>}
        <button className="btn btn--small" disabled={!canRun} onClick={() => void runTests([name])} data-testid="test-run">Run</button>
        <ReplayTestButton name={name} disabled={!canRun} />
      </div>
      {result && (
        <ol className="test__steps">
          {steps.map((label, i) => (
            <li key={i} className={`test__step--${result.steps[i]?.status ?? 'skipped'}`} data-testid="test-step" data-status={result.steps[i]?.status ?? 'skipped'}>
              {`step ${i + 1} ${label}`}
            </li>
          ))}
        </ol>
      )}
      {failure && (
        <div className="test__failure mono" data-testid="test-failure">
          {[`step ${failure.step} ${failure.label}: ${failure.message}`, failure.expected !== undefined ? `expected: ${failure.expected}` : '', failure.received !== undefined ? `received: ${failure.received}` : '', result && result.nodes.length ? `nodes that ran: ${result.nodes.join(', ')}` : '']
            .filter(Boolean)
            .join('\n')}
        </div>
      )}
    </li>
  );
}

/** Outlines the canvas nodes that ran in a failing test, through their data-node-id attribute. */
export function TestMarks() {
  const nodes = useTests((s) => s.failedNodes);
  if (nodes.length === 0) return null;
  const selector = nodes.map((id) => `.react-flow [data-node-id="${CSS.escape(id)}"]`).join(',\n');
  return <style data-testid="test-marks" data-nodes={nodes.join(' ')}>{`${selector} { box-shadow: 0 0 0 3px var(--error); border-radius: 8px; }`}</style>;
}
