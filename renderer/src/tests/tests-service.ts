/** The Tests panel's calls to the studio backend (read, record, run) and their effect on its store. */
import type { RecordedTest } from '../../../runtime/studio/protocol.ts';
import { errorMessage } from '../client.ts';
import type { StudioClient } from '../client.ts';
import { useStudio } from '../store.ts';
import { useTests } from './tests-store.ts';

export async function loadTests(client: StudioClient): Promise<void> {
  const path = useStudio.getState().path;
  if (!path) {
    useTests.getState().set({ info: undefined });
    return;
  }
  try {
    useTests.getState().set({ info: await client.call('testsRead', { path }) });
  } catch (error) {
    useStudio.getState().toast('error', errorMessage(error));
  }
}

export async function saveRecording(client: StudioClient, test: RecordedTest): Promise<boolean> {
  const studio = useStudio.getState();
  try {
    const info = await client.call('testsRecord', { path: studio.path, test });
    useTests.getState().set({ info });
    studio.toast('success', `Recorded “${info.name}” in ${info.path}`);
    studio.showTab('tests');
    return true;
  } catch (error) {
    studio.toast('error', `Cannot record: ${errorMessage(error)}`);
    return false;
  }
}

export async function runTests(client: StudioClient, names?: string[]): Promise<void> {
  const tests = useTests.getState();
  if (tests.running) return;
  tests.set({ running: true });
  try {
    const { results, problems } = await client.call('testsRun', { path: useStudio.getState().path, ...(names ? { names } : {}) });
    if (problems.length > 0) useStudio.getState().toast('error', `The test file has problems: ${problems[0]?.message ?? ''}`);
    const merged = { ...useTests.getState().results };
    for (const r of results) merged[r.name] = r;
    const failedNodes = [...new Set(Object.values(merged).filter((r) => r.status === 'failed').flatMap((r) => r.nodes))].sort();
    useTests.getState().set({ results: merged, failedNodes });
  } catch (error) {
    useStudio.getState().toast('error', errorMessage(error));
  } finally {
    useTests.getState().set({ running: false });
  }
}
