/**
 * The wsflow engine: `startFlow(compileFlow(flow))` serves a flow over WebSocket. Used by
 * `wsflow run`, the studio's live run and every exported service.
 */
import type { CompiledFlow, EngineOptions, RunningFlow } from './contracts.ts';
import { Engine } from './engine.ts';
import { defaultHostWorkerUrl } from './host/locate.ts';

export { createMemoryAdapter } from './adapters/memory.ts';
export { compileFlow, SnippetCompileError } from './compile.ts';
export { TopologyError } from './topology.ts';

export async function startFlow(compiled: CompiledFlow, options: EngineOptions = {}): Promise<RunningFlow> {
  const engine = new Engine(compiled, options, options.hostWorkerUrl ?? (await defaultHostWorkerUrl()));
  try {
    await engine.listen();
  } catch (error) {
    await engine.stop({ drainTimeoutMs: 0 }).catch(() => undefined);
    throw error;
  }
  return engine;
}
