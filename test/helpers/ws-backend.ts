/**
 * A real `ws` backend for connector tests: records what each of its connections receives,
 * echoes it back when asked to, and can push, close, stall (stop reading) or refuse handshakes.
 */
import { createServer, type Server } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

export interface BackendConn {
  socket: WebSocket;
  /** frames received, in order, with their type */
  received: { data: Buffer; binary: boolean }[];
  headers: Record<string, string | string[] | undefined>;
  closed: Promise<{ code: number; reason: string }>;
}

export interface TestBackend {
  url: string;
  port: number;
  conns: BackendConn[];
  /** Echo every frame back with its type (default true). */
  echo: boolean;
  /** Answer handshakes with this HTTP status instead of upgrading (0 = upgrade). */
  refuseWith: number;
  /** Resolves with the next backend connection. */
  nextConnection(waitMs?: number): Promise<BackendConn>;
  /** Forget connections nobody asked for (between tests) and restore the defaults. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startBackend(): Promise<TestBackend> {
  const server: Server = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const waiters: ((c: BackendConn) => void)[] = [];
  const unclaimed: BackendConn[] = [];
  const backend: TestBackend = {
    url: '',
    port: 0,
    conns: [],
    echo: true,
    refuseWith: 0,
    nextConnection(waitMs = 5000) {
      const ready = unclaimed.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no backend connection within ${waitMs} ms`)), waitMs);
        waiters.push((c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
    },
    reset() {
      unclaimed.length = 0;
      backend.echo = true;
      backend.refuseWith = 0;
    },
    async stop() {
      for (const c of backend.conns) c.socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('upgrade', (req, socket, head) => {
    if (backend.refuseWith) {
      socket.end(`HTTP/1.1 ${backend.refuseWith} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: BackendConn = {
        socket: ws,
        received: [],
        headers: req.headers,
        closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
      };
      ws.on('message', (data: Buffer, binary: boolean) => {
        conn.received.push({ data, binary });
        if (backend.echo) ws.send(data, { binary });
      });
      backend.conns.push(conn);
      const waiter = waiters.shift();
      if (waiter) waiter(conn);
      else unclaimed.push(conn);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  backend.port = typeof address === 'object' && address ? address.port : 0;
  backend.url = `ws://127.0.0.1:${backend.port}`;
  return backend;
}
