/**
 * The chat sample's checks against the exported chat-components service: the export inlines the
 * component files (the bundle reads no file at run time; the export folder holds none).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatChecks } from '../samples/chat.checks.ts';
import { componentsTwin, type StartTarget } from '../samples/target.ts';
import { exportOncePerSample, startExported } from './exported.ts';

const exportOf = exportOncePerSample();
const startExportedSample: StartTarget = async (sample) => startExported(await exportOf(sample));

chatChecks(componentsTwin(startExportedSample));

describe('chat-components export', () => {
  it('holds no component file', async () => {
    const dir = await exportOf('chat-components');
    const files = readdirSync(dir, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('wsflow-component'))).toEqual([]);
  });
});
