/** The "N runs · E errors" line of a node card while the flow runs (nothing when stopped or idle). */
import { useRunMetrics } from './run-metrics.ts';

export function NodeRunCounts({ nodeId }: { nodeId: string }) {
  const running = useRunMetrics((s) => s.running);
  const count = useRunMetrics((s) => s.totals[nodeId]?.count ?? 0);
  const errors = useRunMetrics((s) => s.totals[nodeId]?.errors ?? 0);
  if (!running) return null;
  return (
    <div className="card__runs" data-testid="node-run-counts" title="Invocations and failed invocations since the run started">
      <span>
        {count.toLocaleString()} {count === 1 ? 'run' : 'runs'}
      </span>
      <span className={errors > 0 ? 'card__runs-errors' : 'muted'}>
        {errors.toLocaleString()} {errors === 1 ? 'error' : 'errors'}
      </span>
    </div>
  );
}
