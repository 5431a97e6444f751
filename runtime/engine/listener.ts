/**
 * The engine's listening sockets: one http (or https, with `options.tls`) server for the flow's
 * port, answering upgrades through the engine and plain requests with a short text (or
 * `/metrics`), and, with `options.metricsPort`, a second server for `/metrics` alone.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { EngineOptions } from './contracts.ts';
import { answerPlainRequest } from './http.ts';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from './security/limits.ts';
import type { EngineMetrics } from './metrics/engine-metrics.ts';

/** PEM text or bytes (EngineOptions speaks Uint8Array so the renderer can read the contract without Node types). */
function pem(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

export interface ListenerParts {
  options: EngineOptions;
  /** the flow's `settings.handshakeTimeoutMs` */
  handshakeTimeoutMs: number | undefined;
  metrics: EngineMetrics | undefined;
  /** whether a WebSocket route serves this path (a plain request to it is told to upgrade) */
  isRoute: (path: string) => boolean;
  upgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export class Listener {
  port = 0;
  metricsPort: number | undefined;
  url = '';
  private readonly server: Server;
  /** `/metrics` on its own port (EngineOptions.metricsPort), so the public port need not expose it. */
  private readonly metricsServer: Server | undefined;
  private readonly options: EngineOptions;

  constructor(parts: ListenerParts) {
    const { options, metrics } = parts;
    this.options = options;
    // Node drops a client that has not sent a complete request (upgrade or plain) in time: slowloris.
    const handshakeMs = parts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    const serverOptions = { headersTimeout: handshakeMs, requestTimeout: handshakeMs, connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(handshakeMs / 4))) };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (!this.metricsServer && metrics?.handle(req, res)) return;
      answerPlainRequest(req, res, parts.isRoute);
    };
    this.metricsServer =
      metrics && options.metricsPort !== undefined
        ? createServer(serverOptions, (req, res) => {
            if (!metrics.handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
          })
        : undefined;
    this.server = options.tls ? createTlsServer({ ...serverOptions, cert: pem(options.tls.cert), key: pem(options.tls.key) }, onRequest) : createServer(serverOptions, onRequest);
    this.server.on('upgrade', parts.upgrade);
  }

  /** Bind `options.port` (else `flowPort`) and the metrics port; sets `port`, `metricsPort` and `url`. */
  async listen(flowPort: number): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    this.port = await bind(this.server, this.options.port ?? flowPort, host);
    if (this.metricsServer) this.metricsPort = await bind(this.metricsServer, this.options.metricsPort, host);
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.url = `${this.options.tls ? 'wss' : 'ws'}://${shown}:${this.port}`;
  }

  /** Stop accepting connections; resolves once the server has closed (after `closeConnections`). */
  stopAccepting(): Promise<void> {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Drop whatever is left on both servers (plain requests, half-done handshakes, /metrics). */
  async closeConnections(): Promise<void> {
    this.server.closeAllConnections();
    const metricsServer = this.metricsServer;
    if (metricsServer?.listening) {
      const metricsClosed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      metricsServer.closeAllConnections();
      await metricsClosed;
    }
  }
}

async function bind(server: Server, port: number | undefined, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : (port ?? 0);
}
