/**
 * The low-code samples' checks (the same ones chat and echo pass) against their exported
 * standalone services: chains are compiled into snippets at export time like any handler.
 */
import { afterAll } from 'vitest';
import { chatChecks } from '../samples/chat.checks.ts';
import { echoChecks } from '../samples/echo.checks.ts';
import { lowcodeTwin, type SampleName, type StartTarget } from '../samples/target.ts';
import { exportToTemp, removeExport, startExported } from './exported.ts';
import { loadSample } from './fixtures.ts';

const exported = new Map<SampleName, Promise<string>>();

const startExportedSample: StartTarget = async (sample) => {
  let dir = exported.get(sample);
  if (!dir) {
    dir = exportToTemp(loadSample(sample), sample);
    exported.set(sample, dir);
  }
  return startExported(await dir);
};

afterAll(async () => {
  for (const dir of exported.values()) removeExport(await dir);
});

chatChecks(lowcodeTwin(startExportedSample));
echoChecks(lowcodeTwin(startExportedSample));
