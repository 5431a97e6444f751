/** One validation job of the studio's validator, shared by the worker and the in-process fallback. */
import type { ValidateOptions } from '../check/index.ts';
import { RootFolder } from './files.ts';

export interface ValidateJob {
  id: number;
  text: string;
  file: string;
  typecheck: boolean;
  /** The studio folder: component files are read from it, never outside. */
  root?: string;
  /** The environment the next run would see: its unset `${env.NAME}` references are warnings, as in `wsflow validate`. */
  env?: Record<string, string | undefined>;
}

/** Options of one job: its components read inside the studio folder, its environment's unset variables as warnings. */
export function jobOptions(job: ValidateJob): ValidateOptions {
  return {
    typecheck: job.typecheck,
    ...(job.root !== undefined ? new RootFolder(job.root).checkOptions() : {}),
    ...(job.env ? { env: job.env, envSeverity: 'warning' as const } : {}),
  };
}
