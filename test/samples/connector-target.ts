/**
 * Starting the connector samples (mqtt-bridge, ws-proxy), which need environment variables: live
 * through `wsflow run --env-file` (a dotenv file in a temp dir), exported with the variables in the
 * container-like environment. The same checks run against both.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { runFlow, type RunningProcess } from '../helpers/cli.ts';
import { ClientPool } from '../helpers/ws-client.ts';

export type ConnectorSample = 'mqtt-bridge' | 'ws-proxy';
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

/** A fresh service per test; service and clients are stopped after each test. */
export function freshConnectorService(start: StartWithEnv, sample: ConnectorSample) {
  const running: ConnectorTarget[] = [];
  const pool = new ClientPool();
  afterEach(async () => {
    pool.closeAll();
    await Promise.all(running.splice(0).map((target) => target.stop()));
  });
  return {
    pool,
    async start(env: Record<string, string>): Promise<ConnectorTarget> {
      const target = await start(sample, env);
      running.push(target);
      return target;
    },
  };
}

/** Resident memory of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}
