/**
 * Every sample's integration checks (test/samples/*.checks.ts), unchanged, against the exported
 * standalone service instead of `wsflow run`: export once per sample into os.tmpdir(), then start
 * each test's fresh service the way the Dockerfile's CMD does.
 */
import { afterAll } from 'vitest';
import { chatChecks } from '../samples/chat.checks.ts';
import { choreoChatChecks } from '../samples/choreo-chat.checks.ts';
import { echoChecks } from '../samples/echo.checks.ts';
import { notificationsChecks } from '../samples/notifications.checks.ts';
import type { SampleName, StartTarget } from '../samples/target.ts';
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

chatChecks(startExportedSample);
echoChecks(startExportedSample);
choreoChatChecks(startExportedSample);
notificationsChecks(startExportedSample);
