/**
 * Compression: a broadcast of compressible JSON (about 3 KiB) to 100 clients that offer
 * permessage-deflate, wsflow's `compression` (one compression per message) against raw ws with
 * `perMessageDeflate` (one per client), in the same run: CPU per delivery and bytes on the wire.
 */
import type { DeflateLoadConfig, DeflateLoadResult } from '../load/deflate-load.ts';
import { spawnTracked } from '../lib/proc.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import type { Measurement, Metric, ScenarioDef } from './types.ts';

const CLIENTS = 100;
const messages = (quick: boolean) => (quick ? 30 : 300);

export const DEFLATE_METRICS: Metric[] = [
  { key: 'cpuUsPerDelivery', label: 'CPU/delivery', unit: 'µs', better: 'lower', ratio: true },
  { key: 'wireBytesPerDelivery', label: 'bytes on wire/delivery', unit: 'B', better: 'lower', ratio: true },
  { key: 'messageBytes', label: 'message size', unit: 'B', better: 'lower' },
];

export const deflateScenario: ScenarioDef = {
  id: 'deflate',
  title: `Compressed broadcast (${CLIENTS} clients with permessage-deflate, ~3 KiB JSON, one message at a time)`,
  flow: 'fanout-deflate',
  metrics: DEFLATE_METRICS,
  freshServerPerRun: true,
  runTimeoutMs: () => 150_000,
  async measure(server, ctx): Promise<Measurement> {
    const config: DeflateLoadConfig = { url: server.url, clients: CLIENTS, messages: messages(ctx.quick), serverPid: server.pid };
    const load = spawnTracked(process.execPath, [await loadGeneratorScript('deflate-load'), JSON.stringify(config)]);
    try {
      const result = await load.nextJson<DeflateLoadResult & { error?: string }>(120_000, 'compression load');
      if (result.error) throw new Error(`load generator: ${result.error}`);
      if (!result.compressed) throw new Error('the server did not agree to permessage-deflate');
      return { cpuUsPerDelivery: result.cpuUsPerDelivery, wireBytesPerDelivery: result.wireBytesPerDelivery, messageBytes: result.messageBytes };
    } finally {
      await load.kill();
    }
  },
};
