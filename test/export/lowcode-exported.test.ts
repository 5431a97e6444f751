/**
 * The low-code samples' checks (the same ones chat and echo pass) against their exported
 * standalone services: chains are compiled into snippets at export time like any handler.
 */
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { chatChecks } from '../samples/chat.checks.ts';
import { echoChecks } from '../samples/echo.checks.ts';
import { lowcodeTwin, type SampleName, type StartTarget } from '../samples/target.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { exportToTemp, removeExport, startExported } from './exported.ts';
import { loadFlow } from './fixtures.ts';

const exported = new Map<SampleName, Promise<string>>();

const startExportedSample: StartTarget = async (sample) => {
  let dir = exported.get(sample);
  if (!dir) {
    dir = exportToTemp(loadFlow(join(REPO_ROOT, 'samples', `${sample}.wsflow.yaml`)), sample);
    exported.set(sample, dir);
  }
  return startExported(await dir);
};

afterAll(async () => {
  for (const dir of exported.values()) removeExport(await dir);
});

chatChecks(lowcodeTwin(startExportedSample));
echoChecks(lowcodeTwin(startExportedSample));
