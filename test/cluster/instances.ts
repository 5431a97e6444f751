/**
 * One engine instance of a flow as its own process, pointed at a Redis through REDIS_URL.
 */
import { fileURLToPath } from 'node:url';
import { startProcess, type RunningProcess } from '../helpers/cli.ts';

export type Instance = RunningProcess;

export const CHAT_SAMPLE = fileURLToPath(new URL('../../samples/chat.wsflow.yaml', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('./fixtures/run-instance.ts', import.meta.url));

export function startInstance(redisUrl: string, file = CHAT_SAMPLE): Promise<Instance> {
  return startProcess(process.execPath, ['--import', 'tsx', LAUNCHER, file], { env: { REDIS_URL: redisUrl } });
}
