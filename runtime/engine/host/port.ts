/**
 * The handler host's private channel to the main thread. The main thread creates a
 * MessageChannel and hands one end over in `workerData`; this module takes it and removes it
 * from there, so that snippets (which share this thread) cannot reach it through
 * `require('node:worker_threads')`. The main thread does not listen on the worker's
 * `parentPort` at all: whatever a snippet posts there is dropped, it cannot forge engine traffic.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';

function takePort(): MessagePort {
  const data = workerData as { port?: MessagePort } | null;
  if (isMainThread || !data?.port) throw new Error('the wsflow handler host must run in a worker thread started by the engine');
  const port = data.port;
  delete data.port;
  return port;
}

export const port: MessagePort = takePort();
