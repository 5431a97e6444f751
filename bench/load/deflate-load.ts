/**
 * Load generator of the compression scenario: N clients that offer permessage-deflate on the
 * compressed fan-out path; one of them sends compressible JSON messages of about 3 KiB, one at a
 * time (the next once every client has the last). Measured: server CPU per delivery and bytes on
 * the wire per delivery (what the clients' TCP sockets read). Prints one JSON line.
 *
 * argv[2]: JSON DeflateLoadConfig
 */
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { sampleProcess } from '../lib/procstat.ts';

export interface DeflateLoadConfig {
  url: string;
  clients: number;
  messages: number;
  serverPid: number;
}

export interface DeflateLoadResult {
  cpuUsPerDelivery: number;
  wireBytesPerDelivery: number;
  messageBytes: number;
  /** false when the server did not agree to permessage-deflate */
  compressed: boolean;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DeflateLoadConfig;

function message(i: number): string {
  const rows = Array.from({ length: 40 }, (_, k) => ({ id: i * 40 + k, user: `user-${k % 7}`, room: 'lobby', text: 'hello there, how are you' }));
  return JSON.stringify({ seq: i, rows });
}

const socketOf = (ws: WebSocket) => (ws as WebSocket & { _socket: Socket })._socket;

async function main(): Promise<void> {
  const clients = await Promise.all(
    Array.from(
      { length: config.clients },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(config.url, { perMessageDeflate: { clientNoContextTakeover: true, serverNoContextTakeover: true } });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  const compressed = clients.every((ws) => ws.extensions.includes('permessage-deflate'));
  let got = 0;
  let wake: () => void = () => undefined;
  for (const ws of clients) ws.on('message', () => ++got === clients.length && wake());
  const sender = clients[0]!;
  const readBefore = clients.map((ws) => socketOf(ws).bytesRead);
  const before = sampleProcess(config.serverPid);
  for (let i = 0; i < config.messages; i++) {
    got = 0;
    const all = new Promise<void>((resolve) => (wake = resolve));
    sender.send(message(i));
    await all;
  }
  const after = sampleProcess(config.serverPid);
  const deliveries = config.messages * clients.length;
  const wire = clients.reduce((sum, ws, k) => sum + socketOf(ws).bytesRead - readBefore[k]!, 0);
  const result: DeflateLoadResult = {
    cpuUsPerDelivery: ((after.cpuSeconds - before.cpuSeconds) * 1e6) / deliveries,
    wireBytesPerDelivery: wire / deliveries,
    messageBytes: Buffer.byteLength(message(0)),
    compressed,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const ws of clients) ws.terminate();
  setTimeout(() => process.exit(0), 100);
}

setTimeout(() => process.exit(3), 120_000).unref();
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
});
