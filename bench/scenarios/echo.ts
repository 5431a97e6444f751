/**
 * Request/reply scenarios: echo throughput (the sample echo flow) and snippet cost (a handler
 * doing a little JSON work). 100 clients, one message in flight each, warm-up then a fixed window.
 */
import type { EchoLoadConfig, EchoLoadResult } from '../load/echo-load.ts';
import type { ClientKind } from '../load/clients.ts';
import { spawnTracked } from '../lib/proc.ts';
import { onCpus, pinProcess, requestReplyPlacement } from '../lib/placement.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import type { Measurement, Metric, RunContext, ScenarioDef } from './types.ts';
import type { FlowKey, RunningServer } from '../contenders/index.ts';

const CLIENTS = 100;
const timing = (quick: boolean) => (quick ? { warmupMs: 500, durationMs: 1200 } : { warmupMs: 1500, durationMs: 3500 });

export const REQUEST_REPLY_METRICS: Metric[] = [
  { key: 'msgsPerSec', label: 'msgs/s', unit: 'msg/s', better: 'higher', ratio: true },
  { key: 'p50Ms', label: 'p50 RTT', unit: 'ms', better: 'lower' },
  { key: 'p99Ms', label: 'p99 RTT', unit: 'ms', better: 'lower' },
  { key: 'cpuUsPerMsg', label: 'CPU/msg', unit: 'µs', better: 'lower', ratio: true },
  { key: 'serverCpuPercent', label: 'server CPU', unit: '%', better: 'lower' },
];

async function measureRequestReply(server: RunningServer, payload: EchoLoadConfig['payload'], client: ClientKind, ctx: RunContext): Promise<Measurement> {
  const config: EchoLoadConfig = { url: server.url, clients: CLIENTS, payload, serverPid: server.pid, client, ...timing(ctx.quick) };
  const loadArgs = [await loadGeneratorScript('echo-load'), JSON.stringify(config)];
  const placement = requestReplyPlacement(ctx.pin);
  if (!('none' in placement)) pinProcess(server.pid, placement.server);
  const load = 'none' in placement ? spawnTracked(process.execPath, loadArgs) : spawnTracked(...onCpus(placement.load, process.execPath, loadArgs));
  try {
    const result = await load.nextJson<EchoLoadResult & { error?: string }>(config.warmupMs + config.durationMs + 20_000, 'echo load');
    if (result.error) throw new Error(`load generator: ${result.error}`);
    if (result.badReplies > 0) throw new Error(`${result.badReplies} wrong replies`);
    if (result.messages === 0) throw new Error('no replies in the measured window');
    return {
      msgsPerSec: result.msgsPerSec,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      cpuUsPerMsg: result.cpuUsPerMsg,
      sysUsPerMsg: result.sysUsPerMsg,
      loadCpuUsPerMsg: result.loadCpuUsPerMsg,
      serverCpuPercent: result.serverCpuPercent,
    };
  } finally {
    await load.kill();
  }
}

function requestReply(id: string, title: string, flow: FlowKey, payload: EchoLoadConfig['payload'], client: ClientKind = 'ws'): ScenarioDef {
  return {
    id,
    title,
    flow,
    metrics: REQUEST_REPLY_METRICS,
    freshServerPerRun: false,
    runTimeoutMs: (quick) => timing(quick).warmupMs + timing(quick).durationMs + 40_000,
    measure: (server, ctx) => measureRequestReply(server, payload, client, ctx),
  };
}

export const echoScenario = requestReply('echo', `Echo throughput (${CLIENTS} clients, 64-byte text, 1 in flight each)`, 'echo', 'echo');
export const snippetScenario = requestReply('snippet', `Snippet cost (${CLIENTS} clients, onText parses JSON, sums, replies JSON)`, 'snippet', 'json');
/** The echo scenario driven by the independent raw-socket client (bench/load/raw-client.ts): a figure that holds with both load generators is not an artefact of `ws` on the client side. */
export const echoRawScenario = requestReply('echo-raw', `Echo throughput, independent load generator (${CLIENTS} raw-socket clients, 64-byte text)`, 'echo', 'echo', 'raw');
