/**
 * Echo throughput and server CPU per message: a raw `ws` echo server against the engine's echo
 * flow with and without a trace subscriber. Not part of the test run (it takes ~30 s and wants a
 * quiet machine):
 *
 *   node --import tsx bench/measure/measure-echo.ts [--clients 64] [--seconds 5] [--rounds 1] [--modes a,b]
 *
 * Modes: raw, engine-notrace, engine-trace (default), engine-secured (the same echo with an apiKey
 * `auth`, `allowedOrigins` and every `limits` field set high enough never to trip: the cost of the
 * checks), engine-metrics-off, engine-metrics-on (the /metrics A/B: metrics on, scraped every 5 s),
 * engine-metrics-on-noscrape (on, never scraped), engine-pool2 (engine-trace served by a pool of
 * two handler hosts, settings.handlerHosts), engine-live (as `wsflow run` serves: metrics and
 * connectors on, a trace subscriber), export (the same flow through `exportFlow`, served by its
 * `server.mjs` exactly as the exported Dockerfile runs it). Ratios are against the first mode
 * listed. `SERVER_NODE_FLAGS` (env) adds Node flags to the server process, for GC experiments;
 * `SERVER_CPUS` and `LOAD_CPUS` (env, taskset lists such as "0" or "0,1") pin the server and the
 * load generator to cores, for placement experiments.
 *
 * Three processes per measurement: this orchestrator, the server under test and a separate load
 * generator (so the server's CPU is its own). Each client keeps one 64-byte text in flight. CPU
 * is read from /proc/PID/stat of the server (all its threads, the handler-host worker included)
 * over the measured window, after a one-second warm-up.
 *
 * Results on the shared 2-core CI VM, 2026-11-23, calm spell (load ~5), medians of 3 rounds:
 *   100 clients: raw 18.0 us CPU/msg (43k msg/s); engine 23.8 us (24k msg/s, 1.32x);
 *                engine + trace subscriber 23.6 us (27k msg/s, 1.31x)
 *    64 clients: raw 16.8 us (29k msg/s); engine 22.8 us (1.36x); + subscriber 24.0 us (1.43x)
 * Per thread (64 clients): main thread +2.5..3.5 us/msg over raw, handler host ~2.7 us/msg,
 * V8 GC helpers ~1.8 us/msg. Under heavy machine load the spread is 1.0x..2x either way.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { onCpus } from '../lib/placement.ts';

const SELF = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};

const ECHO_FLOW = {
  wsflow: 1 as const,
  name: 'echo',
  listener: { port: 0 },
  nodes: [
    { id: 'up', type: 'upgrader' as const, basePath: '/chat' },
    { id: 'svc', type: 'service' as const },
    { id: 'on-text', type: 'onText' as const, code: 'export default function onText(conn: Connection, text: string) {\n  conn.send(text);\n}\n' },
  ],
  edges: [
    { from: 'up', to: 'svc' },
    { from: 'svc', to: 'on-text' },
  ],
};

const SECURED_FLOW = {
  ...ECHO_FLOW,
  nodes: ECHO_FLOW.nodes.map((n) =>
    n.type === 'upgrader'
      ? { ...n, auth: { type: 'apiKey' as const, keys: '${env.BENCH_KEYS}' }, allowedOrigins: ['https://app.example.com'] }
      : n.type === 'service'
        ? { ...n, limits: { maxConnections: 10_000, maxConnectionsPerIp: 10_000, messagesPerSecond: 1_000_000, burst: 1_000_000, maxBufferedBytes: 8 * 1024 * 1024 } }
        : n,
  ),
};

async function server(mode: string): Promise<void> {
  // A clean exit on SIGINT lets --cpu-prof write its profiles.
  process.on('SIGINT', () => process.exit(0));
  if (mode === 'raw') {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    await new Promise((r) => wss.once('listening', r));
    const address = wss.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0} /\n`);
    return;
  }
  const { compileFlow, startFlow } = await import('../../runtime/engine/index.ts');
  const secured = mode === 'engine-secured';
  const flow = secured ? SECURED_FLOW : ECHO_FLOW;
  // engine-metrics-on / -off: the A/B of GET /metrics (docs/observability.md); the others run without.
  const live = mode === 'engine-live';
  const connectors = live ? { connectors: (await import('../../runtime/connectors/index.ts')).createConnectors } : {};
  const running = await startFlow(await compileFlow(flow), {
    port: 0,
    env: { BENCH_KEYS: 'bench-key' },
    metrics: live || mode.startsWith('engine-metrics-on'),
    handlerHosts: mode === 'engine-pool2' ? 2 : 1,
    ...connectors,
  });
  if (secured) {
    process.stdout.write(`PORT ${running.port} /chat?api_key=bench-key\n`);
    return;
  }
  if (mode === 'engine-trace' || mode === 'engine-pool2' || live) {
    let n = 0;
    running.subscribe(() => n++);
  }
  process.stdout.write(`PORT ${running.port} /chat\n`);
}

async function load(port: number, path: string, clients: number, seconds: number): Promise<void> {
  const payload = 'x'.repeat(64);
  let count = 0;
  const sockets: WebSocket[] = [];
  await Promise.all(
    Array.from({ length: clients }, () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
        ws.on('message', () => {
          count++;
          ws.send(payload);
        });
        ws.once('open', () => {
          sockets.push(ws);
          resolve();
        });
        ws.once('error', reject);
      }),
    ),
  );
  for (const ws of sockets) ws.send(payload);
  // With metrics on, scrape every 5 s (3x Prometheus' default 15 s) so that rendering counts too.
  if (process.env.SCRAPE === '1') setInterval(() => void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()), 5000).unref();
  await new Promise((r) => setTimeout(r, 1000));
  const c0 = count;
  process.stdout.write('START\n');
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const c1 = count;
  const ms = performance.now() - t0;
  process.stdout.write(`END ${c1 - c0} ${ms.toFixed(0)}\n`);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}

function ticksOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
}

/** Whole process, and its main thread alone (task id = pid). */
function cpuTicks(pid: number): { all: number; main: number } {
  return { all: ticksOf(`/proc/${pid}/stat`), main: ticksOf(`/proc/${pid}/task/${pid}/stat`) };
}

function lines(child: ChildProcess, onLine: (l: string) => void): void {
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
}

interface Row {
  mode: string;
  rate: number;
  usPerMsg: number;
  mainUsPerMsg: number;
}

let exportedDir: string | undefined;
/** The echo flow exported once per run (in process, as `wsflow export` does after validating). */
async function exportedEcho(): Promise<string> {
  if (exportedDir) return exportedDir;
  const { exportFlow } = await import('../../runtime/export/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'wsflow-measure-echo-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  await exportFlow({ ...ECHO_FLOW, listener: { port: 8080 } }, { outDir: dir, force: true });
  exportedDir = dir;
  return dir;
}

/** Node with `args`, pinned to `cpus` (a taskset list such as "0" or "0,1") when given; taskset execs, so the PID is Node's. */
function spawnOn(cpus: string | undefined, args: string[], options: SpawnOptions): ChildProcess {
  return cpus ? spawn(...onCpus(cpus, process.execPath, args), options) : spawn(process.execPath, args, options);
}

async function measure(mode: string, clients: number, seconds: number): Promise<Row> {
  const flags = (process.env.SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const dir = mode === 'export' ? await exportedEcho() : undefined;
  const srv = dir
    ? spawnOn(process.env.SERVER_CPUS, [...flags, join(dir, 'server.mjs')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '0', NODE_ENV: 'production' } })
    : spawnOn(process.env.SERVER_CPUS, [...flags, '--import', 'tsx', SELF, 'server', mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  const [port, path] = await new Promise<[number, string]>((resolve) =>
    lines(srv, (l) => {
      const m = /^PORT (\d+) (\S+)/.exec(l);
      if (m) resolve([Number(m[1]), m[2] as string]);
      // The exported service logs one JSON line with its URL (the echo flow's path is /chat).
      const url = /"url":"ws:\/\/[^:"]+:(\d+)"/.exec(l);
      if (url) resolve([Number(url[1]), '/chat']);
    }),
  );
  const gen = spawnOn(process.env.LOAD_CPUS, ['--import', 'tsx', SELF, 'load', String(port), path, String(clients), String(seconds)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SCRAPE: mode === 'engine-metrics-on' ? '1' : '0' },
  });
  const ticksPerSecond = 100;
  let t0 = { all: 0, main: 0 };
  const result = await new Promise<{ msgs: number; ms: number; ticks: number; mainTicks: number }>((resolve) =>
    lines(gen, (l) => {
      if (l === 'START') t0 = cpuTicks(srv.pid as number);
      const m = /^END (\d+) (\d+)/.exec(l);
      if (m) {
        const t1 = cpuTicks(srv.pid as number);
        resolve({ msgs: Number(m[1]), ms: Number(m[2]), ticks: t1.all - t0.all, mainTicks: t1.main - t0.main });
      }
    }),
  );
  srv.kill('SIGKILL');
  const rate = (result.msgs / result.ms) * 1000;
  const us = (ticks: number) => ((ticks / ticksPerSecond) * 1e6) / result.msgs;
  return { mode, rate, usPerMsg: us(result.ticks), mainUsPerMsg: us(result.mainTicks) };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

const [role] = args;
if (role === 'server') await server(args[1] as string);
else if (role === 'load') await load(Number(args[1]), args[2] as string, Number(args[3]), Number(args[4]));
else {
  const clients = opt('clients', 64);
  const seconds = opt('seconds', 5);
  const rounds = opt('rounds', 1);
  const modesArg = args.indexOf('--modes');
  const modes = modesArg >= 0 ? (args[modesArg + 1] ?? '').split(',') : ['raw', 'engine-notrace', 'engine-trace'];
  const rows: Row[] = [];
  for (let r = 0; r < rounds; r++) for (const mode of modes) rows.push(await measure(mode, clients, seconds));
  const base = modes[0] as string;
  const rawUs = median(rows.filter((x) => x.mode === base).map((x) => x.usPerMsg));
  process.stdout.write(`clients=${clients} seconds=${seconds} rounds=${rounds}\n`);
  const show = (label: string, row: Row) =>
    process.stdout.write(
      `${label.padEnd(22)} ${row.rate.toFixed(0).padStart(8)} msg/s  ${row.usPerMsg.toFixed(1).padStart(6)} us CPU/msg (main thread ${row.mainUsPerMsg.toFixed(1)})  ${(row.usPerMsg / rawUs).toFixed(3)}x ${base}\n`,
    );
  for (const row of rows) show(row.mode, row);
  for (const mode of modes) {
    const of = rows.filter((x) => x.mode === mode);
    show(`median ${mode}`, {
      mode,
      rate: median(of.map((x) => x.rate)),
      usPerMsg: median(of.map((x) => x.usPerMsg)),
      mainUsPerMsg: median(of.map((x) => x.mainUsPerMsg)),
    });
  }
}
