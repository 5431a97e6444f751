/**
 * The load generators' clients: `ws` (the library every contender's users run) or `raw`
 * (raw-client.ts, an independent implementation). `--load ws|raw` picks one for a bench run.
 */
import WebSocket from 'ws';
import { connectRaw, type LoadClient } from './raw-client.ts';

export type { LoadClient };
export type ClientKind = 'ws' | 'raw';

export function connectClient(kind: ClientKind, url: string): Promise<LoadClient> {
  return kind === 'raw' ? connectRaw(url) : connectWs(url);
}

function connectWs(url: string): Promise<LoadClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        send: (text) => ws.send(text),
        onMessage: (listener) => ws.on('message', (data) => listener(data as Buffer)),
        close: () => ws.close(),
      }),
    );
  });
}
