/**
 * Validation off the main thread (see validate-worker.ts). The worker loads the TypeScript
 * sources through tsx (validate-worker.mjs), as the CLI does; when a worker cannot start, checks
 * run in-process instead, so validation never stops working.
 */
import { Worker } from 'node:worker_threads';
import { validateFlowText } from '../check/index.ts';
import type { KindSpec } from '../model/package-kinds.ts';
import type { Problem } from '../model/types.ts';
import { jobOptions, type ValidateJob } from './validate-job.ts';

/** The problems of a flow and the kinds its packages add (as data: they go to the designer). */
export interface Checked {
  problems: Problem[];
  kinds: KindSpec[];
}

type Reply = ({ id: number } & Checked) | { id: number; error: string };

export class Validator {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (p: Checked) => void; reject: (e: Error) => void; job: ValidateJob }>();

  constructor(
    private readonly log: (line: string) => void = () => {},
    private readonly root?: string,
  ) {}

  private start(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      const worker = new Worker(new URL('./validate-worker.mjs', import.meta.url));
      worker.unref();
      worker.on('message', (reply: Reply) => {
        const entry = this.pending.get(reply.id);
        if (!entry) return;
        this.pending.delete(reply.id);
        if ('error' in reply) entry.reject(new Error(reply.error));
        else entry.resolve({ problems: reply.problems, kinds: reply.kinds });
      });
      const fail = (why: string) => {
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.broken = true;
        this.log(`studio: validation worker unavailable (${why}); validating in-process`);
        // Whatever was queued runs in-process.
        for (const [id, entry] of this.pending) {
          this.pending.delete(id);
          inProcess(entry.job).then(entry.resolve, entry.reject);
        }
      };
      worker.on('error', (error) => fail(error.message));
      worker.on('exit', (code) => fail(`exited with ${code}`));
      this.worker = worker;
      return worker;
    } catch (error) {
      this.broken = true;
      this.log(`studio: validation worker unavailable (${(error as Error).message}); validating in-process`);
      return undefined;
    }
  }

  validate(text: string, file: string, typecheck: boolean, env?: Record<string, string | undefined>): Promise<Checked> {
    const job: ValidateJob = { id: this.nextId++, text, file, typecheck, ...(this.root !== undefined ? { root: this.root } : {}), ...(env ? { env } : {}) };
    const worker = this.start();
    if (!worker) return inProcess(job);
    return new Promise<Checked>((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject, job });
      worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    if (worker) await worker.terminate();
  }
}

async function inProcess(job: ValidateJob): Promise<Checked> {
  const { problems, packages } = await validateFlowText(job.text, job.file, jobOptions(job));
  return { problems, kinds: packages.specs };
}
