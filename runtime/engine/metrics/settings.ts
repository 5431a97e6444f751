/**
 * Whether a process serves `GET /metrics`: on unless `WSFLOW_METRICS=off` (also `0`, `false`,
 * `no`, any case). `wsflow run` and the exported service both ask this, so they cannot disagree.
 */
export function metricsEnabled(env: Record<string, string | undefined>): boolean {
  const v = env.WSFLOW_METRICS?.trim().toLowerCase();
  return !(v === 'off' || v === '0' || v === 'false' || v === 'no');
}

/** `WSFLOW_METRICS_TOKEN`: when set, `/metrics` answers only `Authorization: Bearer <token>`. */
export function metricsToken(env: Record<string, string | undefined>): string | undefined {
  const t = env.WSFLOW_METRICS_TOKEN?.trim();
  return t ? t : undefined;
}

/** `WSFLOW_METRICS_PORT`: serve `/metrics` on this port instead of the listener's; throws on a value that is not 0-65535. */
export function metricsPort(env: Record<string, string | undefined>): number | undefined {
  const v = env.WSFLOW_METRICS_PORT?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new Error(`WSFLOW_METRICS_PORT must be a port number from 0 to 65535, got "${v}"`);
  return n;
}
