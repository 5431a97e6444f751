/**
 * Child processes of the bench: every server and load generator runs in its own process group so
 * that one `kill(-pgid)` ends it with whatever it spawned, and every wait has a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const live = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** Lines printed on stdout so far (bounded) and a way to wait for one. */
  waitForLine(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  /** The next stdout line that parses as JSON. */
  nextJson<T>(timeoutMs: number, what: string): Promise<T>;
  send(message: unknown): void;
  stderrTail(): string;
  kill(): Promise<void>;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Raise the soft open-files limit to the hard limit first (idle-connection scenario). */
  raiseFdLimit?: boolean;
}

export function spawnTracked(command: string, args: string[], options: SpawnOptions = {}): Spawned {
  const [cmd, argv] = options.raiseFdLimit
    ? ['bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', command, ...args]]
    : [command, args];
  const child = spawn(cmd, argv as string[], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;

  const lines: string[] = [];
  const waiters = new Set<(line: string) => boolean>();
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => {
    for (const waiter of waiters) if (waiter(line)) return;
    lines.push(line);
    if (lines.length > 200) lines.shift();
  });
  // Trace output (`--trace`) can be large: keep only a tail, but always drain the pipe.
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdin!.on('error', () => {});

  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  function waitFor<T>(match: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    for (let i = 0; i < lines.length; i++) {
      const hit = match(lines[i]!);
      if (hit !== undefined) {
        lines.splice(0, i + 1);
        return Promise.resolve(hit);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = (line: string) => {
        const hit = match(line);
        if (hit === undefined) return false;
        finish();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${what}: no answer within ${timeoutMs} ms${tail()}`));
      }, timeoutMs);
      void exited.then((code) => {
        finish();
        reject(new Error(`${what}: process exited (code ${code})${tail()}`));
      });
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });
  }
  const tail = () => (stderr.trim() ? `; stderr: ${stderr.trim().slice(-600)}` : '');

  return {
    child,
    pid,
    waitForLine: (pattern, timeoutMs, what) => waitFor((line) => line.match(pattern) ?? undefined, timeoutMs, what),
    nextJson: <T>(timeoutMs: number, what: string) =>
      waitFor<T>((line) => {
        if (!line.startsWith('{')) return undefined;
        try {
          return JSON.parse(line) as T;
        } catch {
          return undefined;
        }
      }, timeoutMs, what),
    send(message) {
      if (child.stdin!.writable) child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
    stderrTail: () => stderr,
    kill: () => killGroup(child, exited),
  };
}

async function killGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // group already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signal('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
    if (!done) signal('SIGKILL');
  }
  // Helpers a server spawned may outlive it; the group kill reaches them.
  signal('SIGKILL');
  live.delete(child);
}

/** Last resort on exit or on the global deadline: SIGKILL every group we started. */
export function killAllNow(): void {
  for (const child of live) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Node with the tsx loader, for our TypeScript load generators and server entries. */
export function tsNodeArgs(script: string, args: string[] = []): string[] {
  return ['--import', 'tsx', script, ...args];
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    }),
  ]);
}
