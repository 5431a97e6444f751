/** vitest globalSetup for the browser tests: build the renderer when it is missing or stale. */
import { ensureRendererBuilt } from '../../runtime/studio/renderer-build.ts';

export default async function setup(): Promise<void> {
  await ensureRendererBuilt();
}
