/**
 * A studio for tests that talk to its backend: a throw-away root folder with the opened flow, a
 * sibling "outside" folder for escape attempts, the studio on a free port and an API client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStudio, type StudioHandle } from '../../runtime/studio/server.ts';
import { ApiClient } from './studio-api.ts';

export interface StudioFixture {
  /** the studio's root */
  dir: string;
  /** a folder next to it that the studio must never read or write */
  outside: string;
  studio: StudioHandle;
  api: ApiClient;
  close(): Promise<void>;
}

export async function startStudioFixture(options: {
  /** the opened flow: its name in the root and its text */
  flow: { file: string; text: string };
  /** more files, links and folders in `dir` / `outside`, before the studio starts */
  prepare?: (dir: string, outside: string) => void;
  log?: (line: string) => void;
}): Promise<StudioFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsflow-studio-'));
  const outside = mkdtempSync(path.join(os.tmpdir(), 'wsflow-studio-outside-'));
  const removeFolders = () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  };
  let studio: StudioHandle | undefined;
  try {
    writeFileSync(path.join(dir, options.flow.file), options.flow.text);
    options.prepare?.(dir, outside);
    const log = options.log ?? (() => undefined);
    studio = await startStudio({ port: 0, file: path.join(dir, options.flow.file), log });
    const api = await ApiClient.connect(studio);
    const running = studio;
    return {
      dir,
      outside,
      studio: running,
      api,
      async close() {
        api.socket.close();
        await running.close();
        removeFolders();
      },
    };
  } catch (error) {
    await studio?.close();
    removeFolders();
    throw error;
  }
}
