/**
 * Worker thread of the studio's validator: the full check (YAML, schema, structure, TypeScript)
 * is synchronous CPU work of up to seconds on a big flow, so it runs here and the studio's event
 * loop stays free for the running flow's sockets, the trace relay and the renderer.
 */
import { parentPort } from 'node:worker_threads';
import { validateFlowText } from '../check/index.ts';
import { jobOptions, type ValidateJob } from './validate-job.ts';

export type { ValidateJob } from './validate-job.ts';

async function check(job: ValidateJob): Promise<void> {
  try {
    const { problems, packages } = await validateFlowText(job.text, job.file, jobOptions(job));
    parentPort?.postMessage({ id: job.id, problems, kinds: packages.specs });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
}

parentPort?.on('message', (job: ValidateJob) => void check(job));
