/**
 * Load generator for idle connections: on `{"cmd":"open"}` opens `count` connections with at most
 * `concurrency` handshakes in flight, reports how long that took, then holds them idle until
 * `{"cmd":"exit"}`.
 *
 * argv[2]: JSON { url, count, concurrency }
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

interface Config {
  url: string;
  count: number;
  concurrency: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  elapsedMs: number;
  firstError?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const sockets: WebSocket[] = [];

function openOne(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(config.url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      resolve('handshake timeout (20 s)');
    }, 20_000);
    ws.once('open', () => {
      clearTimeout(timer);
      sockets.push(ws);
      resolve(undefined);
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
  });
}

async function openAll(): Promise<OpenResult> {
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < config.count) {
      next++;
      const error = await openOne();
      if (error) {
        failed++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.count) }, lane));
  return { opened: sockets.length, failed, elapsedMs: performance.now() - t0, firstError };
}

async function main(): Promise<void> {
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const command = JSON.parse(line) as { cmd: string };
    if (command.cmd === 'open') process.stdout.write(`${JSON.stringify(await openAll())}\n`);
    if (command.cmd === 'exit') break;
  }
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

setTimeout(() => process.exit(3), 10 * 60_000).unref();
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
