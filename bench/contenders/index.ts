/**
 * The four contenders, each able to start a fresh server process for a scenario's flow and say
 * where to connect. Servers are separate processes (own process group), never the harness.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { freePort, REPO_ROOT, sleep, spawnTracked, tsNodeArgs, type Spawned } from '../lib/proc.ts';
import { ensureNodeRed, installedNodeRedVersion, nodeRedCommand, writeNodeRedUserDir } from './nodered.ts';

export type ContenderId = 'raw' | 'engine' | 'export' | 'nodered' | 'lowcode';
export const CONTENDER_IDS: readonly ContenderId[] = ['raw', 'engine', 'export', 'nodered', 'lowcode'];

/** Which flow a scenario runs and at which path it is served. */
export type FlowKey = 'echo' | 'fanout' | 'snippet' | 'fanout-deflate' | 'channels' | 'channel-history';
export const FLOWS: Record<FlowKey, { file: string; path: string }> = {
  echo: { file: 'samples/echo.wsflow.yaml', path: '/chat' },
  fanout: { file: 'bench/flows/fanout.wsflow.yaml', path: '/fan' },
  'fanout-deflate': { file: 'bench/flows/fanout-deflate.wsflow.yaml', path: '/fanz' },
  snippet: { file: 'bench/flows/snippet.wsflow.yaml', path: '/json' },
  // Channels (issue 29): served by wsflow only; raw ws is measured on its /fan broadcast.
  channels: { file: 'bench/flows/channels.wsflow.yaml', path: '/chan' },
  'channel-history': { file: 'bench/flows/channel-history.wsflow.yaml', path: '/hist' },
};

/** Low-code twins (action nodes only, no snippet) of the scenario flows that have one. */
export const LOWCODE_FLOWS: Partial<Record<FlowKey, string>> = {
  echo: 'samples/echo-lowcode.wsflow.yaml',
};

export interface RunningServer {
  pid: number;
  /** ws://127.0.0.1:PORT + path of the scenario's flow */
  url: string;
  process: Spawned;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment, e.g. REDIS_URL for the cluster scenario. */
  env?: NodeJS.ProcessEnv;
}

export interface Contender {
  id: ContenderId;
  label: string;
  /** Set by prepare(): a version string, or why this contender cannot run. */
  version?: string;
  unavailable?: string;
  /** `install: false` (bench --no-install): never fetch a contender from the network. */
  prepare(log: (line: string) => void, options: { install: boolean }): Promise<void>;
  start(flow: FlowKey, options?: StartOptions): Promise<RunningServer>;
  /** Why this contender cannot serve `flow` (absent: it can). */
  cannotServe?(flow: FlowKey): string | undefined;
}

const START_TIMEOUT_MS = 30_000;

function repoVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function wsVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'ws', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Poll until something accepts TCP connections on the port (for servers that print nothing useful). */
async function waitForPort(port: number, timeoutMs: number, proc: Spawned, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${what} exited (code ${proc.child.exitCode}): ${proc.stderrTail().slice(-600)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms: ${proc.stderrTail().slice(-600)}`);
}

async function started(proc: Spawned, port: number, flow: FlowKey): Promise<RunningServer> {
  return { pid: proc.pid, url: `ws://127.0.0.1:${port}${FLOWS[flow].path}`, process: proc, stop: () => proc.kill() };
}

async function startPrinting(command: string, args: string[], flow: FlowKey, what: string, env?: NodeJS.ProcessEnv): Promise<RunningServer> {
  const proc = spawnTracked(command, args, { raiseFdLimit: true, env: { ...process.env, ...env } });
  try {
    const match = await proc.waitForLine(/ws:\/\/127\.0\.0\.1:(\d+)/, START_TIMEOUT_MS, `${what} start`);
    return started(proc, Number(match[1]), flow);
  } catch (error) {
    await proc.kill();
    throw error;
  }
}

const raw: Contender = {
  id: 'raw',
  label: 'raw ws',
  async prepare() {
    this.version = `ws ${wsVersion()}`;
  },
  start: (flow, options) => startPrinting(process.execPath, [join(REPO_ROOT, 'bench', 'servers', 'raw-ws.mjs')], flow, 'raw ws server', options?.env),
};

const engine: Contender = {
  id: 'engine',
  label: 'wsflow run',
  async prepare() {
    if (!existsSync(join(REPO_ROOT, 'runtime', 'engine', 'index.ts'))) {
      this.unavailable = 'the engine (runtime/engine/index.ts) is not in this checkout yet';
      return;
    }
    this.version = `wsflow ${repoVersion()} (live run + trace subscriber)`;
  },
  // The live-run configuration: startFlow plus a trace subscriber, as the studio runs a flow.
  start: (flow, options) =>
    startPrinting(process.execPath, tsNodeArgs(join(REPO_ROOT, 'bench', 'servers', 'engine-server.ts'), [join(REPO_ROOT, FLOWS[flow].file)]), flow, 'wsflow engine', options?.env),
};

const exportDirs = new Map<FlowKey, string>();
const exported: Contender = {
  id: 'export',
  label: 'wsflow export',
  async prepare(log) {
    if (!existsSync(join(REPO_ROOT, 'runtime', 'export', 'index.ts'))) {
      this.unavailable = 'the exporter (`wsflow export`) is not in this checkout yet';
      return;
    }
    const root = mkdtempSync(join(tmpdir(), 'wsflow-bench-export-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    // In-process `exportFlow` (what `wsflow export` calls after validating): the bench flows are
    // known-good, and skipping the TypeScript check and a CLI process per flow saves CPU here.
    const { exportFlow } = (await import(pathToFileURL(join(REPO_ROOT, 'runtime', 'export', 'index.ts')).href)) as {
      exportFlow: (flow: FlowDocument, options: { outDir: string; force?: boolean }) => Promise<{ files: string[] }>;
    };
    const { parseFlow } = await import('../../runtime/model/parse.ts');
    for (const key of Object.keys(FLOWS) as FlowKey[]) {
      const file = join(REPO_ROOT, FLOWS[key].file);
      const out = join(root, key);
      const parsed = parseFlow(readFileSync(file, 'utf8'), file);
      try {
        if (!parsed.flow) throw new Error(parsed.problems.map((p) => p.message).join('; '));
        await exportFlow(parsed.flow, { outDir: out, force: true });
      } catch (error) {
        this.unavailable = `exporting ${FLOWS[key].file} failed: ${(error as Error).message.split('\n')[0]}`;
        return;
      }
      if (!existsSync(join(out, 'server.mjs'))) {
        this.unavailable = `the export of ${FLOWS[key].file} has no server.mjs`;
        return;
      }
      exportDirs.set(key, out);
    }
    log(`exported the bench flows into ${root}`);
    this.version = `wsflow ${repoVersion()} (exported server.mjs)`;
  },
  async start(flow, options) {
    const dir = exportDirs.get(flow)!;
    const port = await freePort();
    const proc = spawnTracked(process.execPath, [join(dir, 'server.mjs')], {
      cwd: dir,
      raiseFdLimit: true,
      env: { ...process.env, ...options?.env, PORT: String(port), NODE_ENV: 'production' },
    });
    try {
      await waitForPort(port, START_TIMEOUT_MS, proc, 'exported server');
    } catch (error) {
      await proc.kill();
      throw error;
    }
    return started(proc, port, flow);
  },
};

const nodeRed: Contender = {
  id: 'nodered',
  label: 'Node-RED',
  cannotServe: (flow) => (flow === 'fanout-deflate' ? 'the compression scenario compares wsflow with raw ws only' : undefined),
  async prepare(log, options) {
    if (!options.install && !installedNodeRedVersion()) {
      this.unavailable = 'Node-RED is not installed (`npm run bench -- --setup` installs it; --no-install skips it)';
      return;
    }
    try {
      this.version = `Node-RED ${await ensureNodeRed(log)}`;
    } catch (error) {
      this.unavailable = `could not install Node-RED: ${(error as Error).message.split('\n')[0]}`;
    }
  },
  async start(flow, options) {
    const port = await freePort();
    const { settings, userDir } = writeNodeRedUserDir(port);
    const { command, args } = nodeRedCommand(settings, userDir);
    const proc = spawnTracked(command, args, { raiseFdLimit: true, cwd: userDir, env: { ...process.env, ...options?.env } });
    try {
      await proc.waitForLine(/Started flows/, START_TIMEOUT_MS, 'Node-RED start');
      await waitForPort(port, 5000, proc, 'Node-RED');
    } catch (error) {
      await proc.kill();
      throw error;
    }
    const server = await started(proc, port, flow);
    return { ...server, stop: () => proc.kill().finally(() => rmSync(userDir, { recursive: true, force: true })) };
  },
};

// The engine in the live-run configuration, serving the flow built from action nodes: the chain
// compiles to a snippet, so its CPU per message should match the snippet flow's (issue 10).
const lowcode: Contender = {
  id: 'lowcode',
  label: 'wsflow low-code',
  async prepare() {
    if (!existsSync(join(REPO_ROOT, 'runtime', 'lowcode', 'index.ts'))) {
      this.unavailable = 'the chain compiler (runtime/lowcode) is not in this checkout yet';
      return;
    }
    this.version = `wsflow ${repoVersion()} (live run, action nodes)`;
  },
  cannotServe: (flow) => (LOWCODE_FLOWS[flow] ? undefined : `no low-code twin of the ${flow} flow`),
  start: (flow, options) =>
    startPrinting(process.execPath, tsNodeArgs(join(REPO_ROOT, 'bench', 'servers', 'engine-server.ts'), [join(REPO_ROOT, LOWCODE_FLOWS[flow] ?? FLOWS[flow].file)]), flow, 'wsflow engine (low-code)', options?.env),
};

export function allContenders(): Contender[] {
  return [raw, engine, exported, nodeRed, lowcode];
}
