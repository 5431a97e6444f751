/**
 * Starting the connector samples (mqtt-bridge, nats-bridge, amqp-bridge, ws-proxy), which need environment variables: live
 * through `wsflow run --env-file` (a dotenv file in a temp dir), exported with the variables in the
 * container-like environment. The same checks run against both.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { freshTargets } from './target.ts';

export type ConnectorSample = 'mqtt-bridge' | 'nats-bridge' | 'amqp-bridge' | 'ws-proxy';
export type ConnectorTarget = Pick<RunningProcess, 'url' | 'port' | 'stop' | 'output' | 'child'>;
export type StartWithEnv = (sample: ConnectorSample, env: Record<string, string>) => Promise<ConnectorTarget>;

export const startWithEnvFile: StartWithEnv = async (sample, env) => {
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-env-'));
  const file = join(dir, '.env');
  writeFileSync(file, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
  try {
    return await runFlow(`samples/${sample}.wsflow.yaml`, ['--env-file', file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** A fresh service of `sample` per test, started with the given variables (see freshTargets). */
export function freshConnectorService(start: StartWithEnv, sample: ConnectorSample) {
  return freshTargets((env: Record<string, string>) => start(sample, env));
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}
