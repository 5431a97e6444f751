/**
 * Main-thread side of the thread boundary: the worker's own code is host/worker.ts, and all of
 * host/ but locate.ts runs inside the worker. One handler-host worker as the bridge sees it: the
 * thread, the engine's private channel to it, its blame slots. Started with a heap limit; its
 * `parentPort` is never listened to (snippets can reach that one), all traffic goes over the
 * channel handed over in `workerData`.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { HostControl, HostInit } from './host/protocol.ts';

export interface Host {
  worker: Worker;
  /** the engine's private channel to this worker (its `parentPort` is ignored: snippets can reach that) */
  port: MessagePort;
  slots: Int32Array;
  /** generation once promoted to the serving host (replies of older generations are dropped) */
  gen: number;
  ready: boolean;
  /** its death was handled (a worker reports `error` and then `exit`) */
  dead: boolean;
}

export interface HostEvents {
  message(host: Host, msg: unknown[]): void;
  /** the worker died (once per worker, with why, said for a person) */
  death(host: Host, why: string): void;
}

export function spawnHost(workerUrl: URL, memoryMb: number, init: HostInit, on: HostEvents, env?: Readonly<Record<string, string | undefined>>): Host {
  const { port1, port2 } = new MessageChannel();
  const host: Host = {
    worker: new Worker(workerUrl, {
      stdout: false,
      stderr: false,
      workerData: { port: port2 },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      // A worker's process.env must hold strings only.
      ...(env ? { env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) } : {}),
    }),
    port: port1,
    slots: new Int32Array(init.slots),
    gen: 0,
    ready: false,
    dead: false,
  };
  host.worker.unref();
  // The port stays referenced until the worker has loaded (whoever awaits whenReady() must not
  // see the process exit under it); the bridge unrefs it then.
  port1.on('message', (msg: unknown[]) => on.message(host, msg));
  const died = (why: string) => {
    if (host.dead) return;
    host.dead = true;
    host.port.close();
    on.death(host, why);
  };
  host.worker.on('error', (error) => died(describeDeath(error)));
  host.worker.on('exit', (code) => died(`exited with code ${code}`));
  port1.postMessage(init satisfies HostControl);
  return host;
}

/** A worker's `error`, said for a person: running out of its heap limit is the usual one. */
function describeDeath(error: Error): string {
  const code = (error as Error & { code?: string }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return 'ran out of memory (its heap limit)';
  return `failed: ${error.message}`;
}

/** Stop a worker whose death is handled here (its `exit` must not be taken for a crash). */
export function retire(host: Host): void {
  host.dead = true;
  host.port.close();
  void host.worker.terminate();
}
