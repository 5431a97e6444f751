/**
 * The low-code samples' checks (the same ones chat and echo pass) against their exported
 * standalone services: chains are compiled into snippets at export time like any handler.
 */
import { chatChecks } from '../samples/chat.checks.ts';
import { echoChecks } from '../samples/echo.checks.ts';
import { lowcodeTwin, type StartTarget } from '../samples/target.ts';
import { exportOncePerSample, startExported } from './exported.ts';

const exportOf = exportOncePerSample();
const startExportedSample: StartTarget = async (sample) => startExported(await exportOf(sample));

chatChecks(lowcodeTwin(startExportedSample));
echoChecks(lowcodeTwin(startExportedSample));
