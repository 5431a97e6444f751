/** Reading sample flows for the security tests (through the model's parser, as the CLI does). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

export function readFlowFile(path: string): FlowDocument {
  const parsed = parseFlow(readFileSync(path, 'utf8'), path);
  if (!parsed.flow) throw new Error(`${path}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return parsed.flow;
}

/** Every `samples/*.wsflow.yaml`, by file name. */
export function sampleFiles(): string[] {
  const dir = join(REPO_ROOT, 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wsflow.yaml'))
    .sort()
    .map((f) => join(dir, f));
}
