/**
 * One test client: a real `ws` connection that queues what it receives, keeps a trace of
 * everything it sent and received (shown when a step fails), and never waits without a bound.
 */
import WebSocket from 'ws';
import { describePayload, describeReceived, quote, type Received } from './match.ts';
import type { ClientSpec, Payload } from './types.ts';

export interface Closed {
  code: number;
  reason: string;
}

export type Opened = { kind: 'open'; client: TestConnection } | { kind: 'refused'; status: number; body: string } | { kind: 'error'; message: string };

export type NextResult = { kind: 'message'; message: Received } | { kind: 'closed'; closed: Closed } | { kind: 'timeout' };

/** `ws://host:port[/prefix]` + the client's path and query (+ token, when it goes in the query). */
export function clientUrl(baseUrl: string, spec: ClientSpec): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams(spec.query);
  if (spec.token !== undefined && spec.tokenIn === 'query') query.set('access_token', spec.token);
  const search = query.toString();
  return `${base}${spec.path}${search ? `?${search}` : ''}`;
}

function protocolsOf(spec: ClientSpec): string[] {
  // Choreo's convention for browsers, which cannot set headers: the token rides in the list.
  if (spec.token !== undefined && spec.tokenIn === 'subprotocol') return ['choreo-oauth2-token', spec.token, ...spec.subprotocols];
  return spec.subprotocols;
}

function headersOf(spec: ClientSpec): Record<string, string> {
  if (spec.token !== undefined && spec.tokenIn === 'header') return { authorization: `Bearer ${spec.token}`, ...spec.headers };
  return spec.headers;
}

export class TestConnection {
  readonly trace: string[] = [];
  private readonly queue: Received[] = [];
  private wake: (() => void) | undefined;
  private closedWith: Closed | undefined;
  private readonly started: number;

  private constructor(
    readonly name: string,
    private readonly socket: WebSocket,
    started: number,
  ) {
    this.started = started;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const message: Received = isBinary ? { kind: 'binary', base64: data.toString('base64'), bytes: data.length } : { kind: 'text', text: data.toString('utf8') };
      this.log(`<- ${describeReceived(message)}`);
      this.queue.push(message);
      this.notify();
    });
    socket.on('close', (code, reason) => {
      this.closedWith = { code, reason: reason.toString('utf8') };
      this.log(`closed ${code}${this.closedWith.reason ? ` ${quote(this.closedWith.reason)}` : ''}`);
      this.notify();
    });
    socket.on('error', (error) => this.log(`error: ${error.message}`));
  }

  /** Opens a connection; a refused upgrade is a result, not an exception. */
  static open(name: string, baseUrl: string, spec: ClientSpec, timeoutMs: number): Promise<Opened> {
    const url = clientUrl(baseUrl, spec);
    const started = Date.now();
    return new Promise((resolve) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url, protocolsOf(spec), { headers: headersOf(spec), handshakeTimeout: Math.max(timeoutMs, 1) });
      } catch (error) {
        resolve({ kind: 'error', message: `cannot open ${url}: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      const connection = new TestConnection(name, socket, started);
      connection.log(`connect ${url}`);
      let settled = false;
      const settle = (result: Opened) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const timer = setTimeout(() => {
        socket.terminate();
        settle({ kind: 'error', message: `no handshake from ${url} within ${timeoutMs} ms` });
      }, timeoutMs);
      socket.once('open', () => {
        connection.log(`open${socket.protocol ? ` (subprotocol ${socket.protocol})` : ''}`);
        settle({ kind: 'open', client: connection });
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (body.length < 10_000) body += chunk;
        });
        const done = () => {
          socket.terminate();
          settle({ kind: 'refused', status: response.statusCode ?? 0, body });
        };
        response.once('end', done);
        response.once('error', done);
      });
      socket.once('error', (error) => settle({ kind: 'error', message: `cannot connect to ${url}: ${error.message}` }));
    });
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get closed(): Closed | undefined {
    return this.closedWith;
  }

  send(payload: Payload): void {
    this.log(`-> ${describePayload(payload)}`);
    if (this.socket.readyState !== WebSocket.OPEN) throw new Error(`the connection is ${this.closedWith ? 'closed' : 'not open'}`);
    if (payload.kind === 'binary') this.socket.send(Buffer.from(payload.base64, 'base64'), { binary: true });
    else this.socket.send(payload.kind === 'text' ? payload.text : JSON.stringify(payload.value));
  }

  /** The next message in arrival order, or why there is none. */
  async next(timeoutMs: number): Promise<NextResult> {
    const ready = () => {
      const message = this.queue.shift();
      if (message) return { kind: 'message', message } as const;
      if (this.closedWith) return { kind: 'closed', closed: this.closedWith } as const;
      return undefined;
    };
    return ready() ?? (await this.until(timeoutMs, ready)) ?? { kind: 'timeout' };
  }

  /** Every message that arrives within `ms` (plus what is already queued). */
  async quiet(ms: number): Promise<Received[]> {
    await this.until(ms, () => undefined);
    return this.queue.splice(0);
  }

  /** Waits for the close (or a message first, which the caller reports). */
  async waitClosed(timeoutMs: number): Promise<NextResult> {
    const ready = () => {
      if (this.queue.length > 0) return { kind: 'message', message: this.queue.shift() as Received } as const;
      if (this.closedWith) return { kind: 'closed', closed: this.closedWith } as const;
      return undefined;
    };
    return ready() ?? (await this.until(timeoutMs, ready)) ?? { kind: 'timeout' };
  }

  /** Closes from the client side and waits (bounded) for the close handshake. */
  async close(code: number, reason: string, timeoutMs: number): Promise<Closed | undefined> {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.log(`-> close ${code}${reason ? ` ${quote(reason)}` : ''}`);
      this.socket.close(code, reason);
    }
    const closed = await this.until(timeoutMs, () => this.closedWith);
    if (!closed) this.socket.terminate();
    return closed;
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Messages received but never expected (listed in a failure report). */
  get unread(): number {
    return this.queue.length;
  }

  private log(line: string): void {
    this.trace.push(`+${String(Date.now() - this.started).padStart(5)} ms  ${line}`);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves with `ready()`'s first value, re-checked on every event, or undefined after `ms`. */
  private until<T>(ms: number, ready: () => T | undefined): Promise<T | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(undefined);
      }, ms);
      const check = () => {
        const value = ready();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else {
          this.wake = check;
        }
      };
      check();
    });
  }
}
