/**
 * The one flow the studio runs live: validate, compile, start, hot reload, stop.
 * Shared by every window of the studio; run-state changes are broadcast to all of them.
 */
import { compileFlow, SnippetCompileError } from '../engine/compile.ts';
import type { CompiledFlow, RunningFlow } from '../engine/contracts.ts';
import { startFlow } from '../engine/index.ts';
import { createConnectors } from '../connectors/index.ts';
import { validateFlowText } from '../check/index.ts';
import { compileFailureProblems } from '../check/snippet-diagnostics.ts';
import { CONNECTOR_CODES, envReferences } from '../model/connectors.ts';
import { parseFlow } from '../model/parse.ts';
import type { FlowDocument, Problem } from '../model/types.ts';
import { planRun } from '../model/unwired.ts';
import { StudioEnvironment } from './environment.ts';
import type { RunInfo, StudioEvent } from './protocol.ts';
import { TraceRelay } from './trace-relay.ts';
import { DebugRelay } from './debug-relay.ts';
import { watch, type FSWatcher } from 'node:fs';
import type { RootFolder } from './files.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A refusal with located problems (invalid flow, snippet that does not compile). */
export class FlowProblemsError extends Error {
  readonly code = 'WSF_STUDIO_INVALID_FLOW';
  constructor(
    message: string,
    readonly problems: Problem[],
  ) {
    super(message);
  }
}

export class Runner {
  private running: RunningFlow | undefined;
  private relay: TraceRelay | undefined;
  private info: RunInfo | undefined;
  private busy: Promise<unknown> = Promise.resolve();
  /** The environment the current run started with: a reload is checked against it. */
  private env: Env | undefined;
  /** The running flow's text and file, and watchers of the component files it uses. */
  private source: { text: string; file: string } | undefined;
  private watchers: FSWatcher[] = [];
  private changed: ReturnType<typeof setTimeout> | undefined;
  /** Breakpoints and paused connections (docs/designer.md#debugging). */
  readonly debug: DebugRelay;

  constructor(
    private readonly emit: (event: StudioEvent) => void,
    private readonly environment: StudioEnvironment = new StudioEnvironment(),
    private readonly folder?: RootFolder,
  ) {
    this.debug = new DebugRelay();
  }

  get current(): RunInfo | undefined {
    return this.info;
  }

  get url(): string | undefined {
    return this.running?.url;
  }

  /** Nodes that run from now until the returned function is called (flow tests mark them). */
  watchNodes(): () => string[] {
    const nodes = new Set<string>();
    const subscription = this.running?.subscribe((event) => {
      if (event.kind === 'invoke') nodes.add(event.nodeId);
    });
    return () => {
      subscription?.unsubscribe();
      return [...nodes].sort();
    };
  }

  /** Start, stop and reload are serialized so a double click cannot start two engines. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.busy.then(job, job);
    this.busy = next.catch(() => undefined);
    return next;
  }

  start(text: string, file: string, port?: number): Promise<RunInfo> {
    return this.serial(async () => {
      if (this.running) await this.stopNow('restarted');
      // Session values set in the designer count from this start on, for the whole run.
      const env = this.environment.values();
      const { compiled, ignored, componentFiles } = await compileForRun(text, file, env, this.folder);
      const running = await startFlow(compiled, { port: port ?? compiled.flow.listener.port, host: '127.0.0.1', connectors: createConnectors, env });
      this.running = running;
      this.env = env;
      this.relay = new TraceRelay(running, this.emit);
      this.debug.attach(running);
      this.info = { url: running.url, port: running.port, startedAt: Date.now(), ...(ignored.length ? { ignored } : {}) };
      this.emit({ event: 'run', state: 'running', run: this.info });
      this.source = { text, file };
      await this.watchComponents(componentFiles);
      return this.info;
    });
  }

  reload(text: string, file: string): Promise<{ applied: boolean; problems: Problem[]; ignored?: Problem[] }> {
    return this.serial(async () => {
      const running = this.running;
      if (!running) return { applied: false, problems: [] };
      try {
        const { compiled, ignored, componentFiles } = await compileForRun(text, file, this.env, this.folder);
        await running.reload(compiled);
        this.source = { text, file };
        await this.watchComponents(componentFiles);
        return { applied: true, problems: [], ...(ignored.length ? { ignored } : {}) };
      } catch (error) {
        if (error instanceof FlowProblemsError) return { applied: false, problems: error.problems };
        throw error;
      }
    });
  }

  stop(reason?: string): Promise<void> {
    return this.serial(() => this.stopNow(reason));
  }

  /**
   * The designer reloads when the flow's text changes; a component file changes elsewhere (its
   * own editor, another tool), so the runner watches the ones the running flow uses and reloads
   * the same flow text, which reads them again.
   */
  private async watchComponents(files: readonly string[]): Promise<void> {
    this.unwatch();
    if (!this.folder) return;
    for (const file of files) {
      try {
        const { abs } = await this.folder.resolve(file, { mustExist: true });
        const watcher = watch(abs, () => this.componentChanged());
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // A file that vanished was reported when the flow was checked; nothing to watch.
      }
    }
  }

  private componentChanged(): void {
    // An editor's save is often several events (truncate, write, rename): reload once after them.
    if (this.changed) clearTimeout(this.changed);
    this.changed = setTimeout(() => {
      this.changed = undefined;
      const source = this.source;
      if (!source || !this.running) return;
      void this.reload(source.text, source.file).then(
        (result) => this.emit({ event: 'componentReload', applied: result.applied, problems: result.problems }),
        () => undefined,
      );
    }, 50);
  }

  private unwatch(): void {
    for (const w of this.watchers.splice(0)) w.close();
    if (this.changed) clearTimeout(this.changed);
    this.changed = undefined;
  }

  private async stopNow(reason?: string): Promise<void> {
    this.unwatch();
    this.source = undefined;
    const running = this.running;
    if (!running) return;
    this.relay?.close();
    this.relay = undefined;
    this.debug.detach();
    this.running = undefined;
    this.info = undefined;
    this.env = undefined;
    try {
      await running.stop({ drainTimeoutMs: 1000 });
    } finally {
      this.emit({ event: 'run', state: 'stopped', reason });
    }
  }
}

/**
 * Validate without the (slow) type check, then compile; refuse with located problems. With `env`,
 * every `${env.NAME}` must be set there: the refusal names the variable, node and field now,
 * instead of the first client being closed with 1011 when its connector cannot be configured.
 * Component files and packages are read from `folder` (the studio folder).
 */
export async function compileChecked(text: string, file: string, folder?: RootFolder, env?: Env): Promise<CompiledFlow> {
  return (await compileText(text, file, env, false, folder)).compiled;
}

/**
 * What Run and a live reload use: like compileChecked, but nodes no client can reach (a fresh
 * paste, a handler with no service) are left out, and their problems come back as `ignored`
 * warnings instead of refusing the whole flow; the component files it read are listed for the
 * runner to watch.
 */
export function compileForRun(text: string, file: string, env?: Env, folder?: RootFolder): Promise<Compiled> {
  return compileText(text, file, env, true, folder);
}

interface Compiled {
  compiled: CompiledFlow;
  ignored: Problem[];
  componentFiles: string[];
}

async function compileText(text: string, file: string, env: Env | undefined, dropUnwired: boolean, folder: RootFolder | undefined): Promise<Compiled> {
  const validated = await validateFlowText(text, file, { typecheck: false, ...(env ? { env, envSeverity: 'error' as const } : {}), ...(folder ? folder.checkOptions() : {}) });
  const componentFiles = validated.componentFiles ?? [];
  const plan = validated.flow && dropUnwired ? planRun(validated.flow, validated.problems) : undefined;
  const flow = plan?.flow ?? validated.flow;
  const errors = plan?.blocking ?? validated.problems.filter((p) => p.severity === 'error');
  const ignored = plan?.ignored ?? [];
  if (!flow || errors.length > 0) {
    const unset = errors.filter((p) => p.code === CONNECTOR_CODES.ENV_UNSET);
    const message = flow && env && unset.length > 0 && unset.length === errors.length ? unsetMessage(flow, env) : `the flow has ${errors.length || 1} problem(s); fix them first`;
    throw new FlowProblemsError(message, errors);
  }
  try {
    // What Run starts (and reloads) can be debugged from the designer: chains get their variant.
    return { compiled: await compileFlow(flow, { debug: dropUnwired }), ignored, componentFiles };
  } catch (error) {
    if (!(error instanceof SnippetCompileError)) throw error;
    // Located against the whole (inlined) flow: the pruned flow's node indices are not the file's.
    const locate = validated.locate ?? parseFlow(text, file).locate;
    const located = compileFailureProblems([error, ...error.others], validated.flow ?? flow, locate, file);
    throw new FlowProblemsError(located[0]?.message ?? 'a snippet does not compile', located);
  }
}

/** `BACKEND_URL is not set (node backend, field url).`, each variable once with every place that uses it. */
function unsetMessage(flow: FlowDocument, env: Env): string {
  const where = new Map<string, string[]>();
  for (const ref of envReferences(flow)) {
    if (env[ref.name]) continue;
    where.set(ref.name, [...(where.get(ref.name) ?? []), `node ${ref.nodeId}, field ${ref.path.slice(2).join('.')}`]);
  }
  const parts = [...where].map(([name, places]) => `${name} is not set (${places.join('; ')})`);
  return `${parts.join('; ')}. Set ${where.size === 1 ? 'it' : 'them'} in the Environment panel or start the studio with --env-file.`;
}
