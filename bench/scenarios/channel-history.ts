/**
 * Memory per channel with full history (issue 29), one instance: a client publishes to K
 * channels round-robin until each holds its configured history (100 messages of 200 bytes in
 * bench/flows/channel-history.wsflow.yaml), nobody subscribed, so what the process gains is the
 * history. Measured as the engine's main-thread heap after a full GC (where the channel hub
 * lives; engine-server.ts's heap probe) and as RSS. A second fill of the same size then shows
 * the bound holding: the history is trimmed, the heap does not grow again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { FLOWS, type RunningServer } from '../contenders/index.ts';
import { REPO_ROOT } from '../lib/proc.ts';
import { sampleProcess } from '../lib/procstat.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { DEFAULT_MAX_PAYLOAD } from '../../runtime/engine/services.ts';
import type { RowsScenario } from './rows.ts';
import type { Measurement } from './types.ts';

export const HISTORY_CHANNELS = 1000;
const historyChannels = (quick: boolean) => (quick ? 50 : HISTORY_CHANNELS);
/** A realistic chat line or small JSON event. */
const MESSAGE_BYTES = 200;
/** Publishes in flight on the one filling connection: enough to keep the engine busy, bounded. */
const WINDOW = 256;

/** The history size the flow declares (read from it, so the flow stays the one place it is set). */
function declaredHistorySize(): number {
  const file = join(REPO_ROOT, FLOWS['channel-history'].file);
  const flow = parseFlow(readFileSync(file, 'utf8'), file).flow;
  const size = flow?.nodes.flatMap((n) => (n.type === 'service' ? (n.channels ?? []) : [])).find((c) => c.name === 'hist:{n}')?.history?.size;
  if (!size) throw new Error(`${file}: expected a service channel hist:{n} with history.size`);
  return size;
}

/** Sends `count` texts "NAME|i|xxx..." round-robin over the channel names; resolves when all were answered. */
function fill(ws: WebSocket, names: string[], count: number): Promise<void> {
  let sent = 0;
  let answered = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      while (sent < count && sent - answered < WINDOW) {
        ws.send(`${names[sent % names.length]}|${sent}|`.padEnd(MESSAGE_BYTES, 'x'));
        sent++;
      }
    };
    const onMessage = () => {
      if (++answered === count) {
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve();
      } else pump();
    };
    const onClose = (code: number) => reject(new Error(`the server closed the filling connection (${code}) after ${answered} of ${count} publishes`));
    ws.on('message', onMessage);
    ws.once('close', onClose);
    pump();
  });
}

async function heapKb(server: RunningServer): Promise<number> {
  server.process.send({ cmd: 'heap' });
  return (await server.process.nextJson<{ heapUsedKb: number }>(30_000, 'heap probe')).heapUsedKb;
}

async function measure(servers: RunningServer[], quick: boolean): Promise<Measurement> {
  const server = servers[0]!;
  const size = declaredHistorySize();
  const channels = historyChannels(quick);
  const ws = new WebSocket(server.url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    // Warm-up on a channel of its own: the hub, the compiled chain and the JIT exist before.
    await fill(ws, ['w'], size);
    const heap0 = await heapKb(server);
    const rss0 = sampleProcess(server.pid).rssKb;
    const names = Array.from({ length: channels }, (_, k) => `c${k}`);
    await fill(ws, names, channels * size);
    const heap1 = await heapKb(server);
    const rss1 = sampleProcess(server.pid).rssKb;
    await fill(ws, names, channels * size);
    const heap2 = await heapKb(server);
    // The stored envelope of one message, as the hub keeps it (docs/channels.md).
    const envelopeBytes = JSON.stringify({ channel: `hist:c${channels - 1}`, offset: 2 * size, data: `c${channels - 1}|${channels * size}|`.padEnd(MESSAGE_BYTES, 'x') }).length;
    return {
      heapKbPerChannel: (heap1 - heap0) / channels,
      rssKbPerChannel: (rss1 - rss0) / channels,
      bytesPerEntry: ((heap1 - heap0) * 1024) / (channels * size),
      envelopeBytes,
      secondFillKbPerChannel: (heap2 - heap1) / channels,
      channels,
      historySize: size,
    };
  } finally {
    ws.terminate();
  }
}

export const channelHistoryScenario: RowsScenario = {
  id: 'channel-history',
  title: `Memory per channel with full history (${HISTORY_CHANNELS.toLocaleString('en-US')} channels x 100 messages of ${MESSAGE_BYTES} B, one instance, nobody subscribed)`,
  metrics: [
    { key: 'heapKbPerChannel', label: 'heap/channel (after GC)', unit: 'KiB', better: 'lower' },
    { key: 'rssKbPerChannel', label: 'RSS/channel', unit: 'KiB', better: 'lower' },
    { key: 'bytesPerEntry', label: 'heap/message', unit: 'B', better: 'lower' },
    { key: 'secondFillKbPerChannel', label: 'growth of a 2nd fill', unit: 'KiB', better: 'lower' },
  ],
  instances: 1,
  redis: false,
  env: { WSFLOW_BENCH_HEAP: '1' },
  rows: () => [{ id: 'lowcode', flow: 'channel-history', label: 'wsflow run channel history' }],
  runTimeoutMs: (quick) => (quick ? 60_000 : 180_000),
  measure: (servers, ctx) => measure(servers, ctx.quick),
  notes(result, _earlier, quick) {
    const m = result.contenders.lowcode?.median;
    const notes = [
      "heap of the engine's main thread after a full GC, before and after the fill; a 2nd fill of the same size shows the trim by history.size holding (near 0)",
      "RSS also keeps the heap V8 grew for the fill's garbage and does not return at once: an upper bound, the heap figure is the history's",
    ];
    if (m?.bytesPerEntry !== undefined && m.envelopeBytes !== undefined && Number.isFinite(m.bytesPerEntry)) {
      const overhead = Math.max(0, m.bytesPerEntry - m.envelopeBytes);
      const worst = (size: number) => {
        const mib = (size * (DEFAULT_MAX_PAYLOAD + overhead)) / 1024 ** 2;
        return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(0)} MiB`;
      };
      notes.push(
        `each kept message costs its envelope (${m.envelopeBytes.toFixed(0)} B here) plus about ${overhead.toFixed(0)} B; history is bounded by count and age, not bytes, so the worst case per channel is history.size x the largest envelope: with the default maxPayload (1 MiB) ${worst(100)} at size 100, ${worst(10_000)} at the 10,000 cap`,
      );
    }
    if (quick) notes.push(`--quick: ${historyChannels(true)} channels`);
    return notes;
  },
};
