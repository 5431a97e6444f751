/**
 * The `wsBackend` connector: one outbound WebSocket per client connection, piped both ways on the
 * main thread. Texts stay texts and binaries stay binaries (frames are passed as bytes with their
 * type). A close on either side closes the other with a code the other side may receive; a
 * backend that cannot be reached closes the client with 1011.
 *
 * Backpressure: bytes handed to a socket but not yet written are counted (ws's send callback
 * fires once a frame is written). Past HIGH the *other* side stops being read; below LOW it is
 * read again. Frames a client sends before the backend is open wait in a queue bounded the
 * same way. So a slow backend (or client) never makes the process buffer without bound.
 */
import WebSocket from 'ws';
import type { ClientLink, OutboundEvent } from '../engine/contracts.ts';
import { redactUrl } from '../model/redact.ts';
import type { NodeCounts } from './runtime-kind.ts';

export const HIGH_WATER = 1024 * 1024;
export const LOW_WATER = 256 * 1024;

export interface BackendSpec {
  url: string;
  headers: Record<string, string>;
  subprotocols: string[];
  connectTimeoutMs: number;
  /** Largest message accepted from the backend, in bytes. */
  maxPayload: number;
}

/** The default `maxPayload` of a backend (the same as a service's own limit for its clients). */
export const DEFAULT_BACKEND_MAX_PAYLOAD = 1024 * 1024;

export interface PipeEvents {
  outbound(event: Omit<OutboundEvent, 'kind' | 't' | 'nodeId' | 'connector'>): void;
  problem(code: string, message: string): void;
  /** the backend handshake succeeded, or failed with why (the code of the problem reported) */
  state(state: 'connected' | 'down', reason?: string, code?: string): void;
  /** frames from the backend (in) and to it (out), incremented here, reported by the hub */
  counts: NodeCounts;
}

/** A close code one side may send on, for a code the other side closed with. */
export function relayCode(code: number, fromBackend: boolean): number {
  if (code === 1005) return 1000; // closed without a code
  if (code === 1006 || code === 1015) return fromBackend ? 1011 : 1001; // abnormal: the backend failed / the client went away
  if (code === 1004 || code < 1000 || (code > 1014 && code < 3000) || code > 4999) return fromBackend ? 1011 : 1001;
  return code;
}

/** A close reason fits in 123 bytes (`ws` throws on a longer one); cut at a character boundary. */
export function fitReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}

export class BackendPipe {
  private readonly ws: WebSocket;
  private queue: { data: Buffer; binary: boolean }[] = [];
  private queued = 0;
  /** bytes sent to the backend and not yet written */
  private toBackend = 0;
  /** bytes sent to the client and not yet written */
  private toClient = 0;
  private clientHeld = false;
  private backendPaused = false;
  private closed = false;
  private readonly t0 = performance.now();

  constructor(
    private readonly link: ClientLink,
    spec: BackendSpec,
    private readonly events: PipeEvents,
  ) {
    const shown = redactUrl(spec.url);
    this.ws = new WebSocket(spec.url, spec.subprotocols, { headers: spec.headers, handshakeTimeout: spec.connectTimeoutMs, perMessageDeflate: false, maxPayload: spec.maxPayload });
    this.ws.on('open', () => {
      this.events.outbound({ target: `connect ${shown}`, connectionId: link.id, durationMs: performance.now() - this.t0, ok: true, result: 'open' });
      this.events.state('connected');
      const waiting = this.queue;
      this.queue = [];
      this.queued = 0;
      for (const m of waiting) this.toBackendSend(m.data, m.binary);
      this.updateClientHold();
    });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => this.fromBackend(data, isBinary));
    this.ws.on('unexpected-response', (_req, res) => {
      this.fail(shown, `the backend answered the handshake with HTTP ${res.statusCode}`);
      res.resume();
      this.ws.terminate();
    });
    this.ws.on('error', (error: Error & { code?: string }) => {
      // ws has already closed the backend with 1009 and stopped reading it; the frame was never buffered whole.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.tooLarge(shown, spec.maxPayload);
      else if (this.ws.readyState !== WebSocket.OPEN) this.fail(shown, error.message);
    });
    this.ws.on('close', (code: number, reason: Buffer) => {
      if (this.closed) return;
      this.closed = true;
      this.release();
      this.link.close(relayCode(code, true), fitReason(reason.toString()));
    });
  }

  private fail(shown: string, why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.events.outbound({ target: `connect ${shown}`, connectionId: this.link.id, durationMs: performance.now() - this.t0, ok: false, result: why });
    this.events.problem('WSF_WS_BACKEND_UNAVAILABLE', `the backend ${shown} cannot be reached (${why}); the client is closed with 1011`);
    this.events.state('down', why, 'WSF_WS_BACKEND_UNAVAILABLE');
    this.release();
    this.link.close(1011, 'backend unavailable');
  }

  private tooLarge(shown: string, maxPayload: number): void {
    if (this.closed) return;
    this.closed = true;
    this.events.problem('WSF_WS_BACKEND_TOO_LARGE', `the backend ${shown} sent a message over maxPayload (${maxPayload} bytes); it is closed with 1009 and the client with 1011`);
    this.release();
    this.link.close(1011, 'backend message too large');
  }

  /** Read the client again: its close handshake needs it. */
  private release(): void {
    this.queue = [];
    this.queued = 0;
    if (this.clientHeld) {
      this.clientHeld = false;
      this.link.hold(false);
    }
  }

  /** A frame from the client. */
  fromClient(data: Buffer, binary: boolean): void {
    if (this.closed) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.queue.push({ data, binary });
      this.queued += data.byteLength;
    } else if (this.ws.readyState === WebSocket.OPEN) {
      this.toBackendSend(data, binary);
    }
    this.updateClientHold();
  }

  private toBackendSend(data: Buffer, binary: boolean): void {
    const size = data.byteLength;
    this.events.counts.out++;
    this.toBackend += size;
    this.ws.send(data, { binary }, () => {
      this.toBackend -= size;
      this.updateClientHold();
    });
  }

  private updateClientHold(): void {
    const pending = this.toBackend + this.queued;
    if (!this.clientHeld && pending > HIGH_WATER) {
      this.clientHeld = true;
      this.link.hold(true);
    } else if (this.clientHeld && pending < LOW_WATER) {
      this.clientHeld = false;
      this.link.hold(false);
    }
  }

  private fromBackend(data: Buffer, binary: boolean): void {
    if (!this.link.isOpen) return;
    const size = data.byteLength;
    this.events.counts.in++;
    this.toClient += size;
    this.link.send(data, binary, () => {
      this.toClient -= size;
      if (this.backendPaused && this.toClient < LOW_WATER) {
        this.backendPaused = false;
        this.ws.resume();
      }
    });
    if (!this.backendPaused && this.toClient > HIGH_WATER) {
      this.backendPaused = true;
      this.ws.pause();
    }
  }

  /** The client closed: close the backend with the client's code. */
  clientClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.queued = 0;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else if (this.ws.readyState === WebSocket.OPEN) {
      if (this.backendPaused) this.ws.resume(); // the close handshake needs reading
      this.ws.close(relayCode(code, false), fitReason(reason));
    }
  }

  /** Engine stop: close without waiting. */
  terminate(): void {
    this.closed = true;
    this.ws.terminate();
  }

  /** For tests and the trace: what waits in memory right now. */
  pendingBytes(): { toBackend: number; toClient: number; queued: number } {
    return { toBackend: this.toBackend, toClient: this.toClient, queued: this.queued };
  }
}
