/**
 * The handler host's private channel to the main thread. The main thread creates a
 * MessageChannel and hands one end over in `workerData`, with the shared rings of the `ring` hop
 * (ring.ts) when it uses them; this module takes them and removes them from there, so that
 * snippets (which share this thread) cannot reach them through `require('node:worker_threads')`.
 * The main thread does not listen on the worker's `parentPort` at all: whatever a snippet posts
 * there is dropped, it cannot forge engine traffic.
 */
import { isMainThread, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Link } from './ring.ts';
import type { RingPair } from './ring.ts';

function takeLink(): Link {
  const data = workerData as { port?: MessagePort; rings?: RingPair } | null;
  if (isMainThread || !data?.port) throw new Error('the wsflow handler host must run in a worker thread started by the engine');
  const { port, rings } = data;
  delete data.port;
  delete data.rings;
  return new Link(port, rings, 'host');
}

export const link: Link = takeLink();
