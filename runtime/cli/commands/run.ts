/**
 * `wsflow run FILE [--port N] [--host H] [--budget MS] [--trace] [--tls-cert F --tls-key F] [--env-file F] [--log-format text|json]`:
 * serve a flow on the engine (`wss://` with TLS).
 * stdout gets exactly one line, with the URL, once connections are accepted. stderr gets snippet
 * failures as `nodeId:line: message`, snippet logs as `[nodeId] message`, and with --trace every
 * trace event as a JSON line; each line bounded and with its control characters escaped, so a
 * client's text can never start a line of its own. `--log-format json` (or WSFLOW_LOG_FORMAT=json)
 * writes the exported service's JSON log lines to stderr instead. SIGINT/SIGTERM close every
 * client with 1001 and exit 0.
 */
import { readFile } from 'node:fs/promises';
import { formatProblem, hasErrors, validateFlowFile } from '../../check/index.ts';
import { compileFailureProblems } from '../../check/snippet-diagnostics.ts';
import { parseFlow } from '../../model/parse.ts';
import { compileFlow, SnippetCompileError, startFlow, TopologyError } from '../../engine/index.ts';
import { RedisAdapterError, selectAdapter } from '../../engine/adapters/select.ts';
import { metricsEnabled, metricsPort, metricsToken } from '../../engine/metrics/settings.ts';
import { startTelemetry } from '../../engine/telemetry/otel.ts';
import type { Telemetry } from '../../engine/telemetry/otel.ts';
import type { RunningFlow, SnippetFailure, TraceEvent } from '../../engine/contracts.ts';
import { joinPath } from '../../model/paths.ts';
import type { FlowDocument, UpgraderNode } from '../../model/types.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_OK, portOption } from '../errors.ts';
import { AuthConfigError } from '../../engine/security/auth.ts';
import { loadTls, TlsConfigError } from '../../engine/security/tls.ts';
import type { TlsFiles } from '../../engine/security/tls.ts';
import { applyEnvFile } from '../env-file.ts';
import { createConnectors } from '../../connectors/index.ts';
import { plainLogText } from '../../model/log-text.ts';
import { boundEvent, createLogger, logEvent } from '../../export/service/logger.ts';

export interface RunOptions {
  port?: string;
  host?: string;
  budget?: string;
  trace?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  envFile?: string;
  logFormat?: string;
}

export type LogFormat = 'text' | 'json';

/** --log-format wins over WSFLOW_LOG_FORMAT; text when neither is set. */
export function logFormatOption(flag: string | undefined, env: NodeJS.ProcessEnv): LogFormat {
  const value = (flag ?? env.WSFLOW_LOG_FORMAT ?? 'text').trim().toLowerCase();
  if (value === 'text' || value === 'json') return value;
  throw new CliError(`${flag !== undefined ? '--log-format' : 'WSFLOW_LOG_FORMAT'} must be text or json, got "${flag ?? env.WSFLOW_LOG_FORMAT}"`, EXIT_BAD_INPUT);
}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, EXIT_BAD_INPUT);
  }
  return n;
}

function servedPaths(flow: FlowDocument): string[] {
  return flow.nodes.filter((n): n is UpgraderNode => n.type === 'upgrader').map((u) => joinPath(u.basePath, u.upgradePath));
}

/**
 * A snippet's failure by its line (`nodeId:line: message`); a chain's by its action node and
 * field, the words its author used (its generated lines are nobody's).
 */
function failureText(e: SnippetFailure, eventNodeId: string): string {
  const nodeId = e.nodeId || eventNodeId;
  if (e.field !== undefined) return `'${nodeId}' failed in field '${e.field}'${e.line !== undefined ? ` (line ${e.line})` : ''}: ${e.message}`;
  if (nodeId !== eventNodeId && e.line === undefined) return `'${nodeId}' failed: ${e.message}`;
  return `${nodeId}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`;
}

/** The plain-text lines of an event: scrubbed, bounded, control characters escaped (model/log-text.ts). */
export function describeEvent(event: TraceEvent): string[] {
  return eventLines(event).map((line) => plainLogText(line));
}

function eventLines(event: TraceEvent): string[] {
  const lines: string[] = [];
  if (event.kind === 'invoke') {
    for (const log of event.logs) lines.push(`[${event.nodeId}] ${log.level === 'info' ? '' : `${log.level}: `}${log.message}`);
    const e = event.error;
    if (e) lines.push(`${failureText(e, event.nodeId)} (${e.code}${event.connectionId ? `, connection ${event.connectionId}` : ''})`);
  } else if (event.kind === 'engine' && event.level !== 'info') {
    lines.push(`${event.nodeId ? `${event.nodeId}: ` : 'wsflow: '}${event.message} (${event.code})`);
  }
  return lines;
}

export interface StartedFlow {
  flow: FlowDocument;
  running: RunningFlow;
}

/**
 * Validates, compiles and starts a flow the way `wsflow run` does (also used by `wsflow test`).
 * Problems go to stderr; a number is the exit code when the flow cannot start.
 */
export async function startFlowFile(file: string, options: RunOptions): Promise<StartedFlow | number> {
  const port = portOption(options.port);
  const budget = intOption(options.budget, 'budget', 1, 3_600_000);
  let tls: TlsFiles | undefined;
  try {
    tls = loadTls(options.tlsCert, options.tlsKey);
  } catch (error) {
    if (error instanceof TlsConfigError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
  applyEnvFile(options.envFile);
  let ownMetricsPort: number | undefined;
  try {
    ownMetricsPort = metricsPort(process.env);
  } catch (error) {
    throw new CliError((error as Error).message, EXIT_BAD_INPUT);
  }
  // Every ${env.NAME} a connector needs must be set before anything is served.
  const { flow, problems, locate: inlinedLocate } = await validateFlowFile(file, { typecheck: false, env: process.env });
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  if (!flow || hasErrors(problems)) return EXIT_BAD_INPUT;

  let running: RunningFlow;
  try {
    const compiled = await compileFlow(flow);
    // REDIS_URL (or settings.redisUrl) scales out through Redis; otherwise in-memory (docs/scale-out.md).
    const adapter = selectAdapter(flow, process.env);
    running = await startFlow(compiled, { port, host: options.host ?? '127.0.0.1', handlerBudgetMs: budget, adapter, tls, metrics: metricsEnabled(process.env), metricsToken: metricsToken(process.env), metricsPort: ownMetricsPort, connectors: createConnectors });
  } catch (error) {
    if (error instanceof SnippetCompileError) {
      // Worded and located as `wsflow validate` words it (check/snippet-diagnostics.ts).
      // The flow as compiled has its components inlined: locate with the validator's locator.
      const locate = inlinedLocate ?? parseFlow(await readFile(file, 'utf8'), file).locate;
      for (const p of compileFailureProblems([error, ...error.others], flow, locate, file)) process.stderr.write(`${formatProblem(p)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof TopologyError) throw new CliError(`${file}: ${error.message}`, EXIT_BAD_INPUT);
    if (error instanceof RedisAdapterError) throw new CliError(error.message, EXIT_BAD_INPUT);
    if (error instanceof AuthConfigError) throw new CliError(`${file}: ${error.message}`, EXIT_BAD_INPUT);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`port ${port ?? flow.listener.port} is already in use (try --port 0)`);
    if (code === 'EACCES') throw new CliError(`not allowed to listen on port ${port ?? flow.listener.port}`);
    throw error;
  }
  return { flow, running };
}

export async function run(file: string, options: RunOptions): Promise<number> {
  const format = logFormatOption(options.logFormat, process.env);
  const started = await startFlowFile(file, options);
  if (typeof started === 'number') return started;
  const { flow, running } = started;

  // Events come scrubbed of credentials (engine/trace.ts); our own lines go through log-text.ts.
  let warn: (message: string) => void;
  let info: (message: string) => void;
  if (format === 'json') {
    const log = createLogger(flow.name, 2);
    running.subscribe((event) => logEvent(log, event, options.trace === true), { steps: options.trace === true });
    warn = (message) => log.warn(message);
    info = (message) => log.info(message);
  } else {
    running.subscribe((event) => {
      if (options.trace) process.stderr.write(`${JSON.stringify(boundEvent(event))}\n`);
      for (const line of describeEvent(event)) process.stderr.write(`${line}\n`);
    }, { steps: options.trace === true });
    warn = (message) => process.stderr.write(`${plainLogText(`wsflow: ${message}`)}\n`);
    info = warn;
  }
  // OpenTelemetry only when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).
  let telemetry: Telemetry | undefined;
  try {
    telemetry = await startTelemetry(running, flow, process.env);
  } catch (error) {
    warn(`OpenTelemetry is off: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (running.metricsPort !== undefined) info(`metrics on http://${options.host ?? '127.0.0.1'}:${running.metricsPort}/metrics`);
  process.stdout.write(`${flow.name}: serving ${running.url} (${servedPaths(flow).join(', ')})\n`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      running
        .stop()
        .then(() => telemetry?.shutdown().catch(() => undefined))
        .then(
          () => resolve(EXIT_OK),
          (error: unknown) => {
            warn(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
            resolve(1);
          },
        );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
