/**
 * One renderer connection: decodes requests, calls the runtime, answers each request once.
 * Knows nothing about HTTP; `server.ts` hands it parsed messages and a way to send.
 */
import path from 'node:path';
import { validateFlowText } from '../check/index.ts';
import { exportArtifacts } from '../export/index.ts';
import { writeOutput } from '../export/write.ts';
import { importAsyncApi } from '../import/asyncapi.ts';
import { checkDocumentRefs, confinedRefReader } from './asyncapi-refs.ts';
import type { StudioEnvironment } from './environment.ts';
import type { RootFolder } from './files.ts';
import type { ParsedFiles } from './parsed-files.ts';
import type { ParamsOf, ResultOf, StudioError, StudioEvent, StudioMethod, StudioServerMessage } from './protocol.ts';
import { STUDIO_PROTOCOL_VERSION } from './protocol.ts';
import { compileChecked, FlowProblemsError, type Runner } from './runner.ts';
import { planOfTest, replay } from './replay.ts';
import { FlowTests } from './flow-tests.ts';
import { TestClients } from './test-clients.ts';
import type { Validator } from './validator.ts';

export interface SessionContext {
  folder: RootFolder;
  runner: Runner;
  /** The environment runs use; the designer may set values in it for this session. */
  environment: StudioEnvironment;
  /** Full checks (with TypeScript) run on a worker thread. */
  validator: Validator;
  /** The flow given on the command line, relative to the root. */
  initialFile?: string;
  parsedFiles: ParsedFiles;
  log: (line: string) => void;
}

type Handlers = { [M in StudioMethod]: (params: ParamsOf<M>) => Promise<ResultOf<M>> };

export class Session {
  private readonly clients: TestClients;
  private readonly tests: FlowTests;
  private readonly handlers: Handlers;

  constructor(
    private readonly ctx: SessionContext,
    private readonly send: (message: StudioServerMessage) => void,
  ) {
    this.clients = new TestClients((event) => this.push(event));
    this.tests = new FlowTests(ctx.folder, ctx.runner);
    this.handlers = this.createHandlers();
    // This window's breakpoints and pauses are its own (debug-relay.ts).
    ctx.runner.debug.join(this, (event) => this.push(event));
  }

  push(event: StudioEvent): void {
    this.send(event);
  }

  async handle(raw: string): Promise<void> {
    let message: { id?: unknown; method?: unknown; params?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      this.send({ id: -1, ok: false, error: { code: 'WSF_STUDIO_BAD_REQUEST', message: 'request is not JSON' } });
      return;
    }
    const id = typeof message.id === 'number' ? message.id : -1;
    const method = message.method;
    if (typeof method !== 'string' || !Object.hasOwn(this.handlers, method)) {
      this.send({ id, ok: false, error: { code: 'WSF_STUDIO_BAD_REQUEST', message: `unknown method ${JSON.stringify(method)}` } });
      return;
    }
    const params = (message.params && typeof message.params === 'object' ? message.params : {}) as never;
    try {
      const handler = this.handlers[method as StudioMethod] as (p: never) => Promise<unknown>;
      this.send({ id, ok: true, result: await handler(params) });
    } catch (error) {
      this.send({ id, ok: false, error: toStudioError(error) });
      if (!(error as { code?: unknown }).code) this.ctx.log(`studio: ${method} failed: ${(error as Error).stack ?? String(error)}`);
    }
  }

  close(): void {
    this.clients.closeAll();
    this.ctx.runner.debug.leave(this);
  }

  /** The flow file name used in problems: the saved path, or a placeholder for an untitled flow. */
  private fileName(rel: string | undefined): string {
    return rel ?? 'untitled.wsflow.yaml';
  }

  private createHandlers(): Handlers {
    const { folder, runner } = this.ctx;
    return {
      hello: async () => ({
        version: STUDIO_PROTOCOL_VERSION,
        root: folder.root,
        ...(this.ctx.initialFile ? { file: this.ctx.initialFile } : {}),
        ...optional('untitledRecovery', await folder.recovery(undefined)),
        ...optional('run', runner.current),
      }),
      list: async ({ dir }) => ({ root: folder.root, entries: await folder.list(dir) }),
      open: async ({ path: userPath }) => {
        const file = await folder.read(requireString(userPath, 'path'));
        return {
          path: file.rel,
          text: file.text,
          mtimeMs: file.mtimeMs,
          ...(await this.ctx.parsedFiles.of(file.rel, file.text, folder.checkOptions())),
          ...optional('recovery', await folder.recovery(file.rel, file)),
        };
      },
      save: async ({ path: userPath, text, expectedMtimeMs, overwrite }) => {
        const options = { overwrite: overwrite ?? true, ...(expectedMtimeMs !== undefined ? { expectedMtimeMs } : {}) };
        const saved = await folder.write(requireString(userPath, 'path'), requireString(text, 'text', true), options);
        await folder.discardRecovery(saved.rel);
        return { path: saved.rel, mtimeMs: saved.mtimeMs };
      },
      saveAs: async ({ path: userPath, text, overwrite }) => {
        const target = requireString(userPath, 'path');
        if (!/\.ya?ml$/i.test(target)) throw studioError('WSF_STUDIO_PATH', `${target}: a flow file name ends in .wsflow.yaml`);
        const saved = await folder.write(target, requireString(text, 'text', true), { overwrite: overwrite ?? false });
        await folder.discardRecovery(undefined);
        return { path: saved.rel, mtimeMs: saved.mtimeMs };
      },
      autosave: async ({ path: userPath, text }) => ({ savedAt: await folder.autosave(userPath, requireString(text, 'text', true)) }),
      discardRecovery: async ({ path: userPath }) => {
        await folder.discardRecovery(userPath);
        return {};
      },
      validate: async ({ text, path: rel, typecheck }) => {
        const check = typecheck ?? true;
        // Unset `${env.NAME}` references are warnings here, as in `wsflow validate`; Start refuses them.
        const { problems, kinds } = await this.ctx.validator.validate(requireString(text, 'text', true), this.fileName(rel), check, this.ctx.environment.presence());
        // The type check already reports snippet syntax errors; compiling again would only cost time.
        if (check || problems.some((p) => p.severity === 'error')) return { problems, kinds };
        // Snippet syntax that only the compiler sees (the type check may have been skipped).
        try {
          await compileChecked(text, this.fileName(rel), folder);
          return { problems, kinds };
        } catch (error) {
          if (error instanceof FlowProblemsError) return { problems: [...problems, ...error.problems], kinds };
          throw error;
        }
      },
      envStatus: async ({ names }) => {
        if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) throw studioError('WSF_STUDIO_BAD_REQUEST', 'names must be a list of variable names');
        const { environment } = this.ctx;
        return { vars: environment.status(names), ...optional('envFile', environment.envFile) };
      },
      envSet: async ({ name, value }) => this.ctx.environment.set(requireString(name, 'name'), requireString(value, 'value', true)),
      start: async ({ text, path: rel, port }) => runner.start(requireString(text, 'text', true), this.fileName(rel), port),
      stop: async () => {
        await runner.stop('stopped by the user');
        return {};
      },
      reload: async ({ text, path: rel }) => runner.reload(requireString(text, 'text', true), this.fileName(rel)),
      export: async ({ text, path: rel, outDir, asyncapi, force }) => {
        const out = await folder.resolve(requireString(outDir, 'outDir'));
        const { flow, problems, packages } = await validateFlowText(requireString(text, 'text', true), this.fileName(rel), { typecheck: false, ...folder.checkOptions() });
        const errors = problems.filter((p) => p.severity === 'error');
        if (!flow || errors.length > 0) throw new FlowProblemsError(`the flow has ${errors.length} problem(s); fix them before exporting`, errors);
        const artifacts = await exportArtifacts(flow, { ...(asyncapi ? { asyncapi } : {}), packages: packages.packages });
        // Each file's real location must stay in the folder (a symlinked subfolder of the output
        // folder would lead out of it), checked before anything is written.
        for (const file of artifacts) await folder.resolve(`${out.rel}/${file.path}`);
        const written = await writeOutput(out.abs, artifacts, force === true);
        return { outDir: out.rel, files: written.map((f) => `${out.rel}/${f}`) };
      },
      importAsyncApi: async ({ path: userPath, text, name, allowUrls }) => {
        let source: string;
        let file: string;
        // `$ref`s resolve against the document's folder (an uploaded text: the studio folder) and stay in it.
        let docFolder: string;
        if (typeof userPath === 'string' && userPath) {
          const read = await folder.read(userPath);
          source = read.text;
          file = read.rel;
          docFolder = path.dirname((await folder.resolve(read.rel)).abs);
        } else {
          source = requireString(text, 'text');
          file = typeof name === 'string' && name ? path.basename(name) : 'asyncapi.yaml';
          docFolder = path.resolve(folder.root);
        }
        checkDocumentRefs(source, allowUrls === true);
        const readRef = confinedRefReader(docFolder, allowUrls === true);
        const imported = await importAsyncApi(source, file, { source: path.join(docFolder, path.basename(file)), readRef });
        return { yaml: imported.yaml, suggestedPath: `${imported.flow.name || 'imported'}.wsflow.yaml`, warnings: imported.warnings ?? [] };
      },
      clientOpen: async (params) => {
        const url = runner.url;
        if (!url) throw studioError('WSF_STUDIO_NOT_RUNNING', 'start the flow before opening a test client');
        return this.clients.open(url, { ...params, path: requireString(params.path, 'path') });
      },
      clientSend: async ({ clientId, data }) => {
        this.clients.send(requireString(clientId, 'clientId'), requireString(data, 'data', true));
        return {};
      },
      clientClose: async ({ clientId, code, reason }) => {
        this.clients.close(requireString(clientId, 'clientId'), code, reason);
        return {};
      },
      replay: async ({ plan }) => {
        const url = runner.url;
        if (!url) throw studioError('WSF_STUDIO_NOT_RUNNING', 'start the flow before replaying');
        if (!plan || typeof plan !== 'object' || !Array.isArray(plan.steps) || typeof plan.clients !== 'object') throw studioError('WSF_STUDIO_BAD_REQUEST', 'plan needs clients and steps');
        return { clients: await replay(plan, this.clients, url) };
      },
      testsReplay: async ({ path: rel, name }) => {
        const url = runner.url;
        if (!url) throw studioError('WSF_STUDIO_NOT_RUNNING', 'start the flow before replaying');
        const test = await this.tests.find(rel, requireString(name, 'name'));
        return { clients: await replay(planOfTest(test), this.clients, url) };
      },
      debugBreakpoints: async ({ nodeIds }) => {
        if (!Array.isArray(nodeIds) || !nodeIds.every((n): n is string => typeof n === 'string')) throw studioError('WSF_STUDIO_BAD_REQUEST', 'nodeIds must be a list of node ids');
        runner.debug.setBreakpoints(this, nodeIds);
        return {};
      },
      debugCommand: async (command) => {
        const connectionId = requireString(command.connectionId, 'connectionId');
        if (command.cmd === 'setVar') {
          const json = requireString(command.json, 'json');
          try {
            JSON.parse(json);
          } catch (error) {
            throw studioError('WSF_STUDIO_BAD_REQUEST', `vars.${String(command.name)}: not JSON (${(error as Error).message})`);
          }
          runner.debug.command(this, { cmd: 'setVar', connectionId, name: requireString(command.name, 'name'), json });
        } else if (command.cmd === 'step' || command.cmd === 'continue') runner.debug.command(this, { cmd: command.cmd, connectionId });
        else throw studioError('WSF_STUDIO_BAD_REQUEST', 'cmd must be step, continue or setVar');
        return {};
      },
      testsRead: async ({ path: rel }) => this.tests.read(rel),
      testsRecord: async ({ path: rel, test }) => this.tests.record(rel, test),
      testsRun: async ({ path: rel, names }) => this.tests.run(rel, Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : undefined),
    };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function requireString(value: unknown, name: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) throw studioError('WSF_STUDIO_BAD_REQUEST', `${name} must be a non-empty string`);
  return value;
}

function studioError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function toStudioError(error: unknown): StudioError {
  if (error instanceof FlowProblemsError) return { code: error.code, message: error.message, problems: error.problems };
  const e = error as { code?: unknown; message?: unknown; problems?: unknown };
  const code = typeof e.code === 'string' ? e.code : error instanceof Error && error.name === 'ImportError' ? 'WSF_IMPORT' : 'WSF_STUDIO_INTERNAL';
  let message = typeof e.message === 'string' ? e.message : String(error);
  // ImportError carries its located lines as strings.
  if (Array.isArray(e.problems) && e.problems.every((p) => typeof p === 'string') && e.problems.length) {
    message = `${message}\n${(e.problems as string[]).join('\n')}`;
  }
  if (code === 'EADDRINUSE') message = `the port is already in use (${message}); choose another run port`;
  return { code, message };
}
