/**
 * Load generator of the large-message scenario: one sender and N readers on a broadcast path
 * (every message reaches every client, the sender included). The sender keeps a window of
 * messages in flight (its own copy coming back acknowledges one); the measure is the time until
 * every reader has every message, as MiB/s delivered to the readers, and the server's CPU per
 * MiB delivered. Prints one JSON line.
 *
 * argv[2]: JSON LargeLoadConfig
 */
import { connectClient, type ClientKind } from './clients.ts';
import { nowNs } from '../lib/stats.ts';
import { sampleProcess } from '../lib/procstat.ts';

export interface LargeLoadConfig {
  url: string;
  readers: number;
  messages: number;
  bytes: number;
  /** messages the sender may have in flight */
  window: number;
  serverPid: number;
  client: ClientKind;
}

export interface LargeLoadResult {
  mibPerSec: number;
  seconds: number;
  cpuMsPerMib: number;
  peakRssMib: number;
  badMessages: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LargeLoadConfig;

async function main(): Promise<void> {
  const sender = await connectClient(config.client, config.url);
  const readers = await Promise.all(Array.from({ length: config.readers }, () => connectClient(config.client, config.url)));
  const body = 'L'.repeat(config.bytes - 12);
  const message = (i: number) => `${String(i).padStart(11, '0')}:${body}`;
  let bad = 0;
  let finished = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  for (const reader of readers) {
    let next = 0;
    reader.onMessage((data) => {
      // Check the order and the size of every message; the body is compared on a sample.
      if (data.length !== config.bytes || Number(data.subarray(0, 11).toString()) !== next) bad++;
      next++;
      if (next === config.messages && ++finished === readers.length) resolveAll();
    });
  }
  let sent = 0;
  let acked = 0;
  const fill = () => {
    while (sent < config.messages && sent - acked < config.window) sender.send(message(sent++));
  };
  sender.onMessage(() => {
    acked++;
    fill();
  });
  let peakRss = 0;
  const before = sampleProcess(config.serverPid);
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, sampleProcess(config.serverPid).rssKb)), 50);
  const t0 = nowNs();
  fill();
  await all;
  const seconds = (nowNs() - t0) / 1e9;
  clearInterval(rssTimer);
  const after = sampleProcess(config.serverPid);
  const mib = (config.readers * config.messages * config.bytes) / (1024 * 1024);
  const result: LargeLoadResult = {
    mibPerSec: mib / seconds,
    seconds,
    cpuMsPerMib: ((after.cpuSeconds - before.cpuSeconds) * 1000) / mib,
    peakRssMib: Math.max(peakRss, after.rssKb) / 1024,
    badMessages: bad,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  sender.close();
  for (const r of readers) r.close();
  setTimeout(() => process.exit(0), 100);
}

setTimeout(() => process.exit(3), 120_000).unref();
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
