/**
 * One engine instance of a flow as its own process, started as a user would
 * (`wsflow run FILE --port 0`), pointed at a Redis through REDIS_URL ('' = in-memory adapter).
 */
import { fileURLToPath } from 'node:url';
import { startProcess, WSFLOW_BIN, type RunningProcess } from '../helpers/cli.ts';

export type Instance = RunningProcess;

export const CHAT_SAMPLE = fileURLToPath(new URL('../../samples/chat.wsflow.yaml', import.meta.url));

export function startInstance(redisUrl: string, file = CHAT_SAMPLE): Promise<Instance> {
  // Startup (tsx, validate, compile, worker) takes seconds, and far more on a busy 2-core machine.
  return startProcess(process.execPath, [WSFLOW_BIN, 'run', file, '--port', '0'], { env: { REDIS_URL: redisUrl }, startupMs: 100_000 });
}
