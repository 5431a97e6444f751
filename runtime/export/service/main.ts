/**
 * Entry of an exported standalone service (bundled into `server.mjs` by bundle.ts). It runs the
 * same engine as `wsflow run`, with the compiled flow embedded at export time, settings from the
 * environment (flow values as defaults), and the bundled handler-host worker next to it.
 */
import type { CompiledFlow, RunningFlow } from '../../engine/contracts.ts';
import { selectAdapter } from '../../engine/adapters/select.ts';
import { startFlow } from '../../engine/index.ts';
import { applyEnv } from '../env.ts';
import { metricsEnabled, metricsPort, metricsToken } from '../../engine/metrics/settings.ts';
import { startTelemetry } from '../../engine/telemetry/otel.ts';
import type { Telemetry } from '../../engine/telemetry/otel.ts';
import { embedded, embeddedPackages } from './embedded.ts';
import { setPackageKinds } from '../../model/registry.ts';
import type { NodeKind } from '../../model/node-kind.ts';
import type { KindPackage } from '../../model/package-kinds.ts';
import { loadTls, TLS_CERT_ENV, TLS_KEY_ENV } from '../../engine/security/tls.ts';
import type { TlsFiles } from '../../engine/security/tls.ts';
import { createLogger, logEvent } from './logger.ts';
import type { Logger } from './logger.ts';

const embeddedFlow = embedded;
const log: Logger | undefined = embeddedFlow ? createLogger(embeddedFlow.flow.name) : undefined;
import { createConnectors } from '../../connectors/index.ts';
import { envVariables } from '../../model/connectors.ts';

function fail(message: string, code: number): never {
  if (log) log.fatal(message);
  else process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The kinds of the bundled packages (checked when the flow was validated for export), as in `wsflow run`. */
function registerPackages(): void {
  const kinds: NodeKind[] = [];
  const runtimes = new Map<string, unknown>();
  for (const exported of embeddedPackages as readonly KindPackage[]) {
    kinds.push(...exported.kinds);
    for (const runtime of exported.runtimes ?? []) runtimes.set(runtime.id, runtime);
  }
  setPackageKinds(kinds, runtimes);
}

async function serve(compiled: CompiledFlow, log: Logger): Promise<void> {
  registerPackages();
  const config = applyEnv(compiled.flow, process.env);
  if (config.errors.length > 0) fail(`${compiled.flow.name}: ${config.errors.join('; ')}`, 2);
  const flow = config.flow;
  let tls: TlsFiles | undefined;
  try {
    // WSFLOW_TLS_CERT / WSFLOW_TLS_KEY (file paths) serve wss://; on Kubernetes, TLS ends at the Ingress.
    tls = loadTls(process.env[TLS_CERT_ENV], process.env[TLS_KEY_ENV], { cert: TLS_CERT_ENV, key: TLS_KEY_ENV });
  } catch (error) {
    fail(`${flow.name}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
  // Connector fields read ${env.NAME}: refuse to start without them rather than fail per connection.
  const unset = envVariables(flow).filter((name) => !process.env[name]);
  if (unset.length > 0) fail(`${flow.name}: environment variable${unset.length > 1 ? 's' : ''} ${unset.join(', ')} not set`, 2);
  let ownMetricsPort: number | undefined;
  try {
    ownMetricsPort = metricsPort(process.env);
  } catch (error) {
    fail(`${flow.name}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
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
      tls,
      connectors: createConnectors,
      hostWorkerUrl: new URL('./handler-host.mjs', import.meta.url),
      metrics: metricsEnabled(process.env),
      metricsToken: metricsToken(process.env),
      metricsPort: ownMetricsPort,
    },
  );
  // ctx.log lines, snippet failures and engine warnings as JSON lines (logger.ts); the sampled
  // invocation stream only with WSFLOW_TRACE=1.
  const traceAll = process.env.WSFLOW_TRACE === '1';
  running.subscribe((event) => logEvent(log, event, traceAll), { steps: traceAll });
  // OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).
  let telemetry: Telemetry | undefined;
  try {
    telemetry = await startTelemetry(running, flow, process.env);
  } catch (error) {
    log.warn(`OpenTelemetry is off: ${error instanceof Error ? error.message : String(error)}`);
  }
  log.info({ url: running.url, metrics: metricsEnabled(process.env), metricsPort: running.metricsPort, tracing: telemetry !== undefined }, `${flow.name} listening on ${running.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: closing connections`);
    const drainTimeoutMs = flow.settings?.drainTimeoutMs;
    running
      .stop(typeof drainTimeoutMs === 'number' ? { drainTimeoutMs } : undefined)
      .then(() => telemetry?.shutdown().catch(() => undefined))
      .then(
        () => process.exit(0),
        (error: unknown) => fail(`stop failed: ${error instanceof Error ? error.message : String(error)}`, 1),
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (!embeddedFlow || !log) fail('this entry runs only inside the bundle written by `wsflow export`', 1);
const flowName = embeddedFlow.flow.name;
serve(embeddedFlow, log).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  // A missing ${env.NAME} for auth is bad configuration (2), like a bad setting.
  const badInput = (error as { code?: unknown }).code === 'WSF_AUTH_CONFIG';
  fail(`${flowName}: could not start: ${message}`, badInput ? 2 : 1);
});
