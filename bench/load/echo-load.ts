/**
 * Load generator for request/reply scenarios (echo, snippet cost): N clients, each keeping one
 * message in flight. Runs in its own process; reads the server's CPU from /proc at the edges of
 * the measured window and prints one JSON line with the result.
 *
 * argv[2]: JSON EchoLoadConfig
 */
import { connectClient, type ClientKind, type LoadClient } from './clients.ts';
import { nowNs, percentile, Samples } from '../lib/stats.ts';
import { cpuMicrosPer, sampleProcess } from '../lib/procstat.ts';

export interface EchoLoadConfig {
  url: string;
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** `echo`: 64-byte text that must come back unchanged; `json`: a small JSON request. */
  payload: 'echo' | 'json';
  serverPid: number;
  /** which client implementation drives the load (clients.ts) */
  client: ClientKind;
}

export interface EchoLoadResult {
  messages: number;
  seconds: number;
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerMsg: number;
  /** Kernel part of cpuUsPerMsg. */
  sysUsPerMsg: number;
  /** This load generator's own CPU per message (is the client the limit?). */
  loadCpuUsPerMsg: number;
  serverCpuPercent: number;
  badReplies: number;
  clients: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as EchoLoadConfig;
const ECHO_TEXT = 'wsflow-bench-echo-'.padEnd(64, 'x');

function request(i: number): string {
  return config.payload === 'echo'
    ? ECHO_TEXT
    : JSON.stringify({ id: i, user: 'alice', items: [1, 2, 3, 4, 5, 6, 7, 8], note: 'bench' });
}

function checkReply(data: string, i: number): boolean {
  if (config.payload === 'echo') return data === ECHO_TEXT;
  const m = JSON.parse(data) as { id: number; total: number };
  return m.id === i && m.total === 36;
}

function connectAll(): Promise<LoadClient[]> {
  return Promise.all(Array.from({ length: config.clients }, () => connectClient(config.client, config.url)));
}

async function main(): Promise<void> {
  const sockets = await connectAll();
  const rtts = new Samples();
  let measuring = false;
  let stopped = false;
  let count = 0;
  let bad = 0;
  sockets.forEach((ws, index) => {
    let sentAt = 0;
    let seq = index * 1_000_000;
    const sendNext = () => {
      if (stopped) return;
      seq++;
      sentAt = nowNs();
      ws.send(request(seq));
    };
    ws.onMessage((data) => {
      const now = nowNs();
      if (measuring) {
        count++;
        rtts.push((now - sentAt) / 1e6);
        // Checking every reply would make the load generator the bottleneck; sample 1 in 64.
        if ((count & 63) === 0 && !checkReply(data.toString(), seq)) bad++;
      }
      sendNext();
    });
    sendNext();
  });

  await new Promise((resolve) => setTimeout(resolve, config.warmupMs));
  const before = sampleProcess(config.serverPid);
  const ownBefore = process.cpuUsage();
  const t0 = nowNs();
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, config.durationMs));
  measuring = false;
  const seconds = (nowNs() - t0) / 1e9;
  const after = sampleProcess(config.serverPid);
  const own = process.cpuUsage(ownBefore);
  stopped = true;
  const result: EchoLoadResult = {
    messages: count,
    seconds,
    msgsPerSec: count / seconds,
    p50Ms: percentile(rtts.view(), 50),
    p99Ms: percentile(rtts.view(), 99),
    cpuUsPerMsg: cpuMicrosPer(before, after, count),
    sysUsPerMsg: ((after.sysSeconds - before.sysSeconds) * 1e6) / count,
    loadCpuUsPerMsg: (own.user + own.system) / count,
    serverCpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100,
    badReplies: bad,
    clients: sockets.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const ws of sockets) ws.close();
  setTimeout(() => process.exit(0), 100);
}

// Never outlive the harness by much, whatever happens to the server.
setTimeout(() => process.exit(3), config.warmupMs + config.durationMs + 30_000).unref();
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
