/**
 * Entry of an exported standalone service (bundled into `server.mjs` by bundle.ts). It runs the
 * same engine as `wsflow run`, with the compiled flow embedded at export time, settings from the
 * environment (flow values as defaults), and the bundled handler-host worker next to it.
 */
import type { CompiledFlow, RunningFlow } from '../../engine/contracts.ts';
import { selectAdapter } from '../../engine/adapters/select.ts';
import { startFlow } from '../../engine/index.ts';
import { applyEnv } from '../env.ts';
import { embedded } from './embedded.ts';
import { createConnectors } from '../../connectors/index.ts';
import { envVariables } from '../../model/connectors.ts';

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function serve(compiled: CompiledFlow): Promise<void> {
  const config = applyEnv(compiled.flow, process.env);
  if (config.errors.length > 0) fail(`${compiled.flow.name}: ${config.errors.join('; ')}`, 2);
  const flow = config.flow;
  // Connector fields read ${env.NAME}: refuse to start without them rather than fail per connection.
  const unset = envVariables(flow).filter((name) => !process.env[name]);
  if (unset.length > 0) fail(`${flow.name}: environment variable${unset.length > 1 ? 's' : ''} ${unset.join(', ')} not set`, 2);
  let adapter;
  try {
    // REDIS_URL (or settings.redisUrl) shares broadcasts and state with other instances.
    adapter = selectAdapter(flow, process.env);
  } catch (error) {
    fail(`${flow.name}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  const running: RunningFlow = await startFlow(
    { ...compiled, flow },
    {
      port: config.port,
      host: config.host,
      adapter,
      connectors: createConnectors,
      hostWorkerUrl: new URL('./handler-host.mjs', import.meta.url),
    },
  );
  // Snippet failures and engine warnings go to stderr as JSON lines (container logs); the
  // sampled invocation stream only with WSFLOW_TRACE=1.
  const traceAll = process.env.WSFLOW_TRACE === '1';
  running.subscribe((event) => {
    if (traceAll) {
      process.stderr.write(`${JSON.stringify(event)}\n`);
      return;
    }
    if (event.kind === 'invoke') {
      // ctx.log output of the snippets: info to stdout, warn/error to stderr, one JSON line each.
      for (const log of event.logs) {
        const line = `${JSON.stringify({ t: log.t, level: log.level, nodeId: event.nodeId, connectionId: event.connectionId, message: log.message })}\n`;
        (log.level === 'info' ? process.stdout : process.stderr).write(line);
      }
      if (event.error) process.stderr.write(`${JSON.stringify({ t: event.t, level: 'error', ...event.error, connectionId: event.connectionId })}\n`);
    } else if (event.kind === 'engine' && event.level !== 'info') {
      process.stderr.write(`${JSON.stringify(event)}\n`);
    }
  });
  process.stdout.write(`${flow.name} listening on ${running.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing connections\n`);
    const drainTimeoutMs = flow.settings?.drainTimeoutMs;
    running.stop(typeof drainTimeoutMs === 'number' ? { drainTimeoutMs } : undefined).then(
      () => process.exit(0),
      (error: unknown) => fail(`stop failed: ${error instanceof Error ? error.message : String(error)}`, 1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

const compiled = embedded ?? fail('this entry runs only inside the bundle written by `wsflow export`', 1);
serve(compiled).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  fail(`${compiled.flow.name}: could not start: ${message}`, 1);
});
