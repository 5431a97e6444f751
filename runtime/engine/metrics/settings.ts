/**
 * Whether a process serves `GET /metrics`: on unless `WSFLOW_METRICS=off` (also `0`, `false`,
 * `no`, any case). `wsflow run` and the exported service both ask this, so they cannot disagree.
 */
export function metricsEnabled(env: Record<string, string | undefined>): boolean {
  const v = env.WSFLOW_METRICS?.trim().toLowerCase();
  return !(v === 'off' || v === '0' || v === 'false' || v === 'no');
}
