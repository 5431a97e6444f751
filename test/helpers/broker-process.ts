/**
 * A throw-away broker process for tests (redis-server, mosquitto): its own temp dir, a free
 * loopback port, ready once it accepts TCP connections. `kill()` crashes it (SIGKILL) and
 * `restart()` starts a fresh one on the same port, which is what the fault tests need. Only the
 * PID this helper started is ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';
import { waitFor } from './wait.ts';

export interface BrokerSpec {
  /** for messages and the temp dir's name, e.g. `redis` */
  name: string;
  binary: string;
  /** what to install when the binary is missing, e.g. `apt-get install redis-server` */
  install: string;
  /** command-line arguments; may write config files into `dir` first */
  args(port: number, dir: string): string[];
  /** extra environment variables (the process gets the test's environment plus these) */
  env?(port: number, dir: string): Record<string, string>;
  /** how long it may take to accept connections (default 10 s) */
  startupMs?: number;
  /** a graceful stop before the kill, bounded by its own means (RabbitMQ: rabbitmqctl stop) */
  shutdown?(port: number, dir: string): Promise<void>;
  /** after the process is gone: end what it started beside itself (RabbitMQ: its epmd) */
  cleanup?(port: number, dir: string): Promise<void>;
}

export interface BrokerProcess {
  port: number;
  /** SIGKILL: a crash, no goodbye to clients. */
  kill(): Promise<void>;
  /** A new process on the same port, from the same arguments. */
  restart(): Promise<void>;
  /** Signals the running process (e.g. SIGSTOP / SIGCONT to make it hang). */
  signal(signal: NodeJS.Signals): void;
  /** Kills it and removes its temp dir. */
  stop(): Promise<void>;
}

const STARTUP_MS = 10_000;

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function spawnBroker(spec: BrokerSpec, args: string[], port: number, env: Record<string, string> | undefined, dir: string): Promise<ChildProcess> {
  const child = spawn(spec.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: env ? dir : undefined, env: env ? { ...process.env, ...env } : undefined });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let failed: string | undefined;
  // 'close', not 'exit': by then its output has been read, so the message can quote it.
  child.once('close', (code, signal) => (failed ??= `${spec.name} exited with ${code ?? signal} before it accepted connections:\n${output}`));
  child.once('error', (error) => (failed = `cannot start ${spec.binary}: ${error.message} (${spec.install})`));
  try {
    // Each poll is a real connection attempt; a process that dies ends the wait at once.
    await waitFor(`${spec.name} to accept connections on port ${port}`, async () => failed ?? (await accepts(port)), spec.startupMs ?? STARTUP_MS, 50);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`);
  }
  if (failed) throw new Error(failed);
  return child;
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startBrokerProcess(spec: BrokerSpec): Promise<BrokerProcess> {
  const dir = mkdtempSync(join(tmpdir(), `wsflow-${spec.name}-`));
  const port = await freePort();
  const args = spec.args(port, dir);
  const env = spec.env?.(port, dir);
  let child: ChildProcess | undefined;
  try {
    child = await spawnBroker(spec, args, port, env, dir);
  } catch (error) {
    await spec.cleanup?.(port, dir);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const kill = async () => {
    if (!child) return;
    const exiting = waitExit(child);
    child.kill('SIGKILL');
    await exiting;
    child = undefined;
  };
  return {
    port,
    kill,
    async restart() {
      await kill();
      child = await spawnBroker(spec, args, port, env, dir);
    },
    signal(signal) {
      child?.kill(signal);
    },
    async stop() {
      if (child && spec.shutdown) {
        const exiting = waitExit(child);
        await spec.shutdown(port, dir).catch(() => undefined);
        // Bounded: a broker that did not go within 15 s of its stop command is killed below.
        await Promise.race([exiting, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
      }
      await kill();
      await spec.cleanup?.(port, dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
