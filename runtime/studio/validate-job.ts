/** One validation job of the studio's validator, shared by the worker and the in-process fallback. */
import { RootFolder } from './files.ts';

export interface ValidateJob {
  id: number;
  text: string;
  file: string;
  typecheck: boolean;
  /** The studio folder: component files are read from it, never outside. */
  root?: string;
}

/** Options of one job: its components read inside the studio folder. */
export function jobOptions(job: ValidateJob) {
  return { typecheck: job.typecheck, ...(job.root !== undefined ? { readComponent: new RootFolder(job.root).reader() } : {}) };
}
