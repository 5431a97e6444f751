/**
 * A real `ws` client for tests: queues every message it receives so a test can await them in
 * order, with bounded waits that fail with a clear message instead of hanging.
 */
import WebSocket from 'ws';
import { nothingWithin } from './wait.ts';

export interface Closed {
  code: number;
  reason: string;
}

export interface Rejection {
  status: number;
  body: string;
}

const DEFAULT_WAIT_MS = 5_000;

export class TestClient {
  private readonly queue: Array<string | Buffer> = [];
  private readonly waiters: Array<(message: string | Buffer) => void> = [];
  readonly closed: Promise<Closed>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const message = isBinary ? data : data.toString('utf8');
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
  }

  /** Opens a connection; rejects with the HTTP status and body when the handshake is refused. */
  static connect(url: string, options: { protocols?: string[]; headers?: Record<string, string>; localAddress?: string; handshakeMs?: number; perMessageDeflate?: boolean } = {}): Promise<TestClient> {
    const handshakeMs = options.handshakeMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers, localAddress: options.localAddress, perMessageDeflate: options.perMessageDeflate ?? true });
      const client = new TestClient(socket);
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no handshake from ${url} within ${handshakeMs} ms`));
      }, handshakeMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          clearTimeout(timer);
          const error = new Error(`handshake refused with HTTP ${response.statusCode}: ${body}`) as Error & Rejection;
          error.status = response.statusCode ?? 0;
          error.body = body;
          reject(error);
        });
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Expects the handshake to be refused and returns its status and body. */
  static async rejection(url: string, options?: Parameters<typeof TestClient.connect>[1]): Promise<Rejection> {
    try {
      const client = await TestClient.connect(url, options);
      client.socket.terminate();
    } catch (error) {
      const rejected = error as Partial<Rejection>;
      if (typeof rejected.status === 'number') return { status: rejected.status, body: rejected.body ?? '' };
      throw error;
    }
    throw new Error(`expected ${url} to refuse the handshake, but it was accepted`);
  }

  send(data: string | Buffer | object): void {
    this.socket.send(typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data));
  }

  /** The next message received (in arrival order). */
  next(waitMs = DEFAULT_WAIT_MS): Promise<string | Buffer> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (message: string | Buffer) => {
        clearTimeout(timer);
        resolve(message);
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(new Error(`no message within ${waitMs} ms`));
      }, waitMs);
      this.waiters.push(waiter);
    });
  }

  async nextText(waitMs = DEFAULT_WAIT_MS): Promise<string> {
    const message = await this.next(waitMs);
    if (typeof message !== 'string') throw new Error(`expected a text message, got ${message.length} binary bytes`);
    return message;
  }

  async nextJson<T = Record<string, unknown>>(waitMs = DEFAULT_WAIT_MS): Promise<T> {
    const text = await this.nextText(waitMs);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`expected JSON, got ${JSON.stringify(text)}`);
    }
  }

  /**
   * Waits out `ms` in which no message is expected (see `nothingWithin`) and returns what
   * arrived anyway: empty when all is well, and early, with the message, when one arrives.
   */
  async drain(ms: number): Promise<Array<string | Buffer>> {
    try {
      await nothingWithin('a message', () => this.queue.length > 0, ms);
    } catch {
      // returned below, so the caller's assertion shows what arrived
    }
    return this.queue.splice(0);
  }

  async close(code = 1000, reason = ''): Promise<Closed> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
    return this.waitClosed();
  }

  /** Waits (bounded) for the server to close this connection. */
  async waitClosed(waitMs = DEFAULT_WAIT_MS): Promise<Closed> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection not closed within ${waitMs} ms`)), waitMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Opens several clients and closes them all at the end of a test, whatever happens. */
export class ClientPool {
  private readonly clients: TestClient[] = [];

  async connect(url: string, options?: Parameters<typeof TestClient.connect>[1]): Promise<TestClient> {
    const client = await TestClient.connect(url, options);
    this.clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.clients.splice(0)) client.socket.terminate();
  }
}
