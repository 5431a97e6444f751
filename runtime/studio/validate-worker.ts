/**
 * Worker thread of the studio's validator: the full check (YAML, schema, structure, TypeScript)
 * is synchronous CPU work of up to seconds on a big flow, so it runs here and the studio's event
 * loop stays free for the running flow's sockets, the trace relay and the renderer.
 */
import { parentPort } from 'node:worker_threads';
import { validateFlowText } from '../check/index.ts';
import { validateOptions } from './validator.ts';

export interface ValidateJob {
  id: number;
  text: string;
  file: string;
  typecheck: boolean;
  /** The environment the next run would see: its unset `${env.NAME}` references are warnings, as in `wsflow validate`. */
  env?: Record<string, string | undefined>;
}

async function check(job: ValidateJob): Promise<void> {
  try {
    const { problems } = await validateFlowText(job.text, job.file, validateOptions(job));
    parentPort?.postMessage({ id: job.id, problems });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
}

parentPort?.on('message', (job: ValidateJob) => void check(job));
