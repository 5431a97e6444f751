/**
 * A real, throw-away Mosquitto broker for tests (Debian's `mosquitto` package; nothing assumes
 * the system service runs). Free loopback port, generated config in its own temp dir, no
 * persistence. `kill()` crashes it (SIGKILL), `restart()` starts a fresh one on the same port:
 * what the fault tests need. Only the PID this helper started is ever signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';

export const MOSQUITTO = process.env.MOSQUITTO ?? '/usr/sbin/mosquitto';

export interface TestMosquitto {
  port: number;
  url: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

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

async function spawnMosquitto(config: string, port: number): Promise<ChildProcess> {
  const child = spawn(MOSQUITTO, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  child.once('error', (error) => (exited = `cannot start ${MOSQUITTO}: ${error.message} (apt-get install mosquitto)`));
  // Bounded: up to 10 s in 50 ms steps, each step a real connection attempt.
  for (let i = 0; i < 200; i++) {
    if (exited) throw new Error(`mosquitto ${exited}:\n${output}`);
    if (await accepts(port)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`mosquitto did not accept connections on port ${port} within 10 s:\n${output}`);
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startMosquitto(): Promise<TestMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'max_queued_messages 100000', ''].join('\n'));
  let child: ChildProcess | undefined = await spawnMosquitto(config, port);
  const kill = async () => {
    if (!child) return;
    const exiting = waitExit(child);
    child.kill('SIGKILL');
    await exiting;
    child = undefined;
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await spawnMosquitto(config, port);
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
