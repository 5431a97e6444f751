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
import { parseFlow } from '../model/parse.ts';
import type { Problem } from '../model/types.ts';
import type { RunInfo, StudioEvent } from './protocol.ts';
import { TraceRelay } from './trace-relay.ts';
import { watch, type FSWatcher } from 'node:fs';
import type { ReadText } from '../check/components.ts';
import type { RootFolder } from './files.ts';

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
  /** The running flow's text and file, and watchers of the component files it uses. */
  private source: { text: string; file: string } | undefined;
  private watchers: FSWatcher[] = [];
  private changed: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (event: StudioEvent) => void,
    private readonly folder?: RootFolder,
  ) {}

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
      const { compiled, componentFiles } = await compileChecked(text, file, this.folder?.reader());
      const running = await startFlow(compiled, { port: port ?? compiled.flow.listener.port, host: '127.0.0.1', connectors: createConnectors });
      this.running = running;
      this.relay = new TraceRelay(running, this.emit);
      this.info = { url: running.url, port: running.port, startedAt: Date.now() };
      this.emit({ event: 'run', state: 'running', run: this.info });
      this.source = { text, file };
      await this.watchComponents(componentFiles);
      return this.info;
    });
  }

  reload(text: string, file: string): Promise<{ applied: boolean; problems: Problem[] }> {
    return this.serial(async () => {
      const running = this.running;
      if (!running) return { applied: false, problems: [] };
      try {
        const { compiled, componentFiles } = await compileChecked(text, file, this.folder?.reader());
        await running.reload(compiled);
        this.source = { text, file };
        await this.watchComponents(componentFiles);
        return { applied: true, problems: [] };
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
    this.running = undefined;
    this.info = undefined;
    try {
      await running.stop({ drainTimeoutMs: 1000 });
    } finally {
      this.emit({ event: 'run', state: 'stopped', reason });
    }
  }
}

/**
 * Validate without the (slow) type check, then compile; refuse with located problems. Component
 * files are read with `read` (the studio folder's reader), and listed for the runner to watch.
 */
export async function compileChecked(text: string, file: string, read?: ReadText): Promise<{ compiled: CompiledFlow; componentFiles: string[] }> {
  const { flow, problems, componentFiles = [], locate: inlinedLocate } = await validateFlowText(text, file, { typecheck: false, ...(read ? { readComponent: read } : {}) });
  const errors = problems.filter((p) => p.severity === 'error');
  if (!flow || errors.length > 0) {
    throw new FlowProblemsError(`the flow has ${errors.length || 1} problem(s); fix them first`, errors);
  }
  try {
    return { compiled: await compileFlow(flow), componentFiles };
  } catch (error) {
    if (!(error instanceof SnippetCompileError)) throw error;
    const locate = inlinedLocate ?? parseFlow(text, file).locate;
    const located = compileFailureProblems([error, ...error.others], flow, locate, file);
    throw new FlowProblemsError(located[0]?.message ?? 'a snippet does not compile', located);
  }
}
