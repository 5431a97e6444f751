/**
 * The Problems tab: the backend's validation problems and the runtime errors of the current run
 * (marked as such, with how often they happened). Click one to go to its node and line.
 */
import type { Problem } from '../../../runtime/model/types.ts';
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';

function ProblemRow({ p, runtime, count, onClick }: { p: Problem; runtime?: boolean; count?: number; onClick: () => void }) {
  return (
    <li>
      <button className={`problem problem--${p.severity}`} onClick={onClick} title="Go to the problem" data-testid={runtime ? 'runtime-problem' : undefined}>
        <span className="problem__icon" aria-label={p.severity}>{p.severity === 'error' ? '●' : '▲'}</span>
        {runtime && <span className="tag tag--runtime">runtime error{count && count > 1 ? ` ×${count}` : ''}</span>}
        <span className="problem__msg">{p.message}</span>
        {p.nodeId && <span className="problem__node">{p.nodeId}</span>}
        <span className="problem__where">{p.line !== undefined ? `${runtime ? 'line ' : `${p.file ?? ''}:`}${p.line}${runtime ? '' : `:${p.col ?? 1}`}` : ''}</span>
        <span className="problem__code">{p.code}</span>
      </button>
    </li>
  );
}

export function ProblemsList() {
  const problems = useStudio((s) => s.problems);
  const runtime = useStudio((s) => s.runtimeErrors);
  const validating = useStudio((s) => s.validating);
  const validateError = useStudio((s) => s.validateError);
  const services = useServices();
  if (problems.length === 0 && runtime.length === 0) {
    if (validateError) return <div className="empty-note text-error" role="alert">The check could not run: {validateError}</div>;
    return <div className="empty-note" data-testid="problems-empty">{validating ? 'Checking…' : '✓ No problems. The flow is valid.'}</div>;
  }
  return (
    <ul className="problems" data-testid="problems">
      {runtime.map((r) => (
        <ProblemRow
          key={`rt-${r.traceSeq}`}
          p={r.problem}
          runtime
          count={r.count}
          onClick={() => {
            services.jumpToProblem(r.problem);
          }}
        />
      ))}
      {problems.map((p, i) => <ProblemRow key={i} p={p} onClick={() => services.jumpToProblem(p)} />)}
    </ul>
  );
}
