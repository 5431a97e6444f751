/**
 * Load generator for broadcast fan-out: holds a share of the receiving clients, records when each
 * numbered message arrives, and (in the sender process) sends numbered messages at a given rate
 * from its first connection. Driven by JSON commands on stdin, answers with JSON lines on stdout.
 * Send and arrival times use the machine-wide monotonic clock (hrtime), so processes compare.
 * A frame is either the sent text itself (broadcast) or a channel envelope whose `data` is it
 * (`{"channel":"bench","offset":N,"data":"SEQ:NS:..."}`, the channels scenarios).
 *
 * argv[2]: JSON { url, clients, urls? } — `urls` lets clients spread over several instances.
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { LATENCY_BUCKETS, latencyBucket, nowNs } from '../lib/stats.ts';

interface Config {
  url: string;
  clients: number;
  /** When given, client i connects to urls[i % urls.length] and the sender to urls[0]. */
  urls?: string[];
}

export type FanoutCommand =
  | { cmd: 'send'; rate: number; durationMs: number; seqStart: number }
  | { cmd: 'report'; fromSeq: number; toSeq: number }
  | { cmd: 'exit' };

export interface SendResult {
  sent: number;
  elapsedMs: number;
}

export interface ReportResult {
  /** Arrivals per seq in [fromSeq, toSeq) and the latest arrival latency (ms) per seq. */
  counts: number[];
  maxMs: number[];
  /** Every numbered message this process received so far (used to wait for a backlog to drain). */
  received: number;
  /** Latency of every delivery since the previous report, bucketed (bench/lib/stats.ts latencyBucket). */
  latencyBuckets: number[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const urls = config.urls ?? [config.url];
const PAD = 64;

let counts = new Int32Array(1 << 14);
let maxNs = new Float64Array(1 << 14);
let received = 0;
const latencies = new Int32Array(LATENCY_BUCKETS);
/** Where the sent text starts in a channel envelope. */
const DATA_KEY = '"data":"';

function record(seq: number, latencyNs: number): void {
  if (seq < 0 || seq > 50_000_000) return;
  while (seq >= counts.length) {
    const c = new Int32Array(counts.length * 2);
    c.set(counts);
    counts = c;
    const m = new Float64Array(maxNs.length * 2);
    m.set(maxNs);
    maxNs = m;
  }
  counts[seq]!++;
  if (latencyNs > maxNs[seq]!) maxNs[seq] = latencyNs;
  latencies[latencyBucket(latencyNs)]!++;
}

function onMessage(data: WebSocket.RawData): void {
  const now = nowNs();
  let text = (data as Buffer).toString('latin1', 0, 120);
  // '{': a channel envelope (its channel name is short, so `data` starts within these bytes)
  if (text.charCodeAt(0) === 123) {
    const at = text.indexOf(DATA_KEY);
    if (at < 0) return;
    text = text.slice(at + DATA_KEY.length);
  }
  const a = text.indexOf(':');
  const b = text.indexOf(':', a + 1);
  if (a < 0 || b < 0) return;
  received++;
  record(Number(text.slice(0, a)), now - Number(text.slice(a + 1, b)));
}

async function connectAll(): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  // Open in batches so that a slow server sees a bounded burst of handshakes.
  for (let start = 0; start < config.clients; start += 100) {
    const batch = Array.from(
      { length: Math.min(100, config.clients - start) },
      (_, k) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(urls[(start + k) % urls.length]!, { perMessageDeflate: false, skipUTF8Validation: true });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
          ws.on('message', onMessage);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

function send(sender: WebSocket, command: Extract<FanoutCommand, { cmd: 'send' }>): Promise<SendResult> {
  // Send in 5 ms ticks, catching up on whatever a late tick missed, so the offered rate holds
  // even when this process is busy receiving.
  const total = Math.max(1, Math.round((command.rate * command.durationMs) / 1000));
  const t0 = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      const due = Math.min(total, Math.floor((elapsed / command.durationMs) * total) + 1);
      while (sent < due) {
        const seq = command.seqStart + sent;
        sender.send(`${seq}:${nowNs()}:`.padEnd(PAD, 'x'));
        sent++;
      }
      if (sent >= total || elapsed > command.durationMs * 3) {
        clearInterval(timer);
        resolve({ sent, elapsedMs: performance.now() - t0 });
      }
    };
    const timer = setInterval(tick, 5);
    tick();
  });
}

async function main(): Promise<void> {
  const sockets = await connectAll();
  process.stdout.write(`${JSON.stringify({ ready: true, connected: sockets.length })}\n`);
  const rl = createInterface({ input: process.stdin });
  rl.on('close', () => process.exit(0));
  for await (const line of rl) {
    const command = JSON.parse(line) as FanoutCommand;
    if (command.cmd === 'exit') break;
    if (command.cmd === 'send') {
      process.stdout.write(`${JSON.stringify(await send(sockets[0]!, command))}\n`);
    } else if (command.cmd === 'report') {
      const out: ReportResult = { counts: [], maxMs: [], received, latencyBuckets: Array.from(latencies) };
      latencies.fill(0);
      for (let seq = command.fromSeq; seq < command.toSeq; seq++) {
        out.counts.push(seq < counts.length ? counts[seq]! : 0);
        out.maxMs.push(seq < maxNs.length ? maxNs[seq]! / 1e6 : 0);
      }
      process.stdout.write(`${JSON.stringify(out)}\n`);
    }
  }
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

// The harness drives this process; if it disappears, so do we.
setTimeout(() => process.exit(3), 20 * 60_000).unref();
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
