/**
 * Every sample's integration checks (test/samples/*.checks.ts), unchanged, against the exported
 * standalone service instead of `wsflow run`: export once per sample into os.tmpdir(), then start
 * each test's fresh service the way the Dockerfile's CMD does.
 */
import { chatChecks } from '../samples/chat.checks.ts';
import { choreoChatChecks } from '../samples/choreo-chat.checks.ts';
import { echoChecks } from '../samples/echo.checks.ts';
import { notificationsChecks } from '../samples/notifications.checks.ts';
import { roomsChecks } from '../samples/rooms.checks.ts';
import type { StartTarget } from '../samples/target.ts';
import { exportOncePerSample, startExported } from './exported.ts';

const exportOf = exportOncePerSample();
const startExportedSample: StartTarget = async (sample) => startExported(await exportOf(sample));

chatChecks(startExportedSample);
echoChecks(startExportedSample);
choreoChatChecks(startExportedSample);
notificationsChecks(startExportedSample);
roomsChecks(startExportedSample);
