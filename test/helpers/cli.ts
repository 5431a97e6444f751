/**
 * Starts the real `wsflow` CLI as a child process, the way a user (or a Dockerfile) would, and
 * waits for the line that says it accepts connections.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WSFLOW_BIN = fileURLToPath(new URL('../../bin/wsflow.mjs', import.meta.url));

export interface RunningProcess {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const URL_LINE = /ws:\/\/127\.0\.0\.1:(\d+)/;

/** Spawns `command args` and resolves once it prints a `ws://127.0.0.1:PORT` line. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; startupMs?: number } = {},
): Promise<RunningProcess> {
  const startupMs = options.startupMs ?? 30_000;
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ws:// line within ${startupMs} ms; output:\n${output}`));
    }, startupMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = URL_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.on('data', (more: Buffer) => (output += more.toString('utf8')));
        const port = Number(match[1]);
        resolve({ url: `ws://127.0.0.1:${port}`, port, child, output: () => output, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before accepting connections; output:\n${output}`));
    });
  });
}

/** `wsflow run FILE --port 0` from the repository. */
export function runFlow(file: string, extraArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<RunningProcess> {
  return startProcess(process.execPath, [WSFLOW_BIN, 'run', file, '--port', '0', ...extraArgs], { env });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wsflow ARGS` to completion (bounded) and returns its exit code and output. */
export function execCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [WSFLOW_BIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
