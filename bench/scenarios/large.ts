/**
 * Large messages: 400 texts of 256 KiB broadcast to 2 readers (and back to the sender), 4 in
 * flight; throughput and server CPU per MiB delivered, with both load generators. What it
 * exercises: bytes crossing the engine's thread boundary once and a broadcast framed once
 * (runtime/engine/host/wire.ts).
 */
import type { LargeLoadConfig, LargeLoadResult } from '../load/large-load.ts';
import type { ClientKind } from '../load/clients.ts';
import { spawnTracked } from '../lib/proc.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import type { Measurement, Metric, RunContext, ScenarioDef } from './types.ts';
import type { RunningServer } from '../contenders/index.ts';

const READERS = 2;
const BYTES = 256 * 1024;
const messages = (quick: boolean) => (quick ? 40 : 400);

export const LARGE_METRICS: Metric[] = [
  { key: 'mibPerSec', label: 'MiB/s to readers', unit: 'MiB/s', better: 'higher', ratio: true },
  { key: 'cpuMsPerMib', label: 'CPU/MiB', unit: 'ms', better: 'lower', ratio: true },
  { key: 'peakRssMib', label: 'peak RSS', unit: 'MiB', better: 'lower' },
];

async function measureLarge(server: RunningServer, client: ClientKind, ctx: RunContext): Promise<Measurement> {
  const config: LargeLoadConfig = { url: server.url, readers: READERS, messages: messages(ctx.quick), bytes: BYTES, window: 4, serverPid: server.pid, client };
  const load = spawnTracked(process.execPath, [await loadGeneratorScript('large-load'), JSON.stringify(config)]);
  try {
    const result = await load.nextJson<LargeLoadResult & { error?: string }>(120_000, 'large-message load');
    if (result.error) throw new Error(`load generator: ${result.error}`);
    if (result.badMessages > 0) throw new Error(`${result.badMessages} messages out of order or of the wrong size`);
    return { mibPerSec: result.mibPerSec, cpuMsPerMib: result.cpuMsPerMib, peakRssMib: result.peakRssMib };
  } finally {
    await load.kill();
  }
}

function large(id: string, client: ClientKind, who: string): ScenarioDef {
  return {
    id,
    title: `Large messages (${messages(false)} x 256 KiB text broadcast to ${READERS} readers, 4 in flight; ${who})`,
    flow: 'fanout',
    metrics: LARGE_METRICS,
    freshServerPerRun: true,
    runTimeoutMs: () => 150_000,
    measure: (server, ctx) => measureLarge(server, client, ctx),
  };
}

export const largeScenario = large('large', 'ws', 'ws clients');
export const largeRawScenario = large('large-raw', 'raw', 'independent raw-socket clients');
