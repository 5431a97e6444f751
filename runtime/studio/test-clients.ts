/**
 * The designer's built-in test clients. They run in the backend (the renderer never opens host
 * sockets itself) and report a timeline per client as `client` events.
 */
import { WebSocket } from 'ws';
import { SUBSCRIBE_WAIT_MS } from '../connectors/broker.ts';
import type { ClientEntry, StudioEvent } from './protocol.ts';

const MAX_CLIENTS = 20;
/**
 * Longer than the engine's own waits before it answers an upgrade (a broker subscription is
 * confirmed within SUBSCRIBE_WAIT_MS, or the client is refused with 503 and why): the timeline
 * shows the engine's answer, not this client giving up first.
 */
export const CLIENT_HANDSHAKE_MS = SUBSCRIBE_WAIT_MS + 5000;
/** A refused upgrade's body is its reason; more than this is cut. */
const MAX_REASON = 2048;
/** Keep timelines readable: long frames are cut in the event (the socket still gets it whole). */
const MAX_SHOWN = 16 * 1024;

/**
 * The URL of `path` on the running flow, and never anywhere else: `//host:port/x` or a full URL
 * would make `new URL` leave the flow's origin (the test clients are not a general proxy).
 */
export function runningFlowUrl(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  const refuse = (why: string) =>
    Object.assign(new Error(`path ${JSON.stringify(path)} ${why}: test clients only connect to the running flow`), { code: 'WSF_STUDIO_PATH' });
  if (path.startsWith('//') || path.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(path)) throw refuse('names another server');
  const url = new URL(path.startsWith('/') ? path : `/${path}`, base);
  if (url.origin !== base.origin) throw refuse('leaves the running flow');
  return url;
}

export class TestClients {
  private readonly clients = new Map<string, WebSocket>();
  private next = 1;

  constructor(private readonly emit: (event: StudioEvent) => void) {}

  open(
    baseUrl: string,
    params: { path: string; query?: Record<string, string>; headers?: Record<string, string>; protocols?: string[] },
  ): { clientId: string; url: string } {
    if (this.clients.size >= MAX_CLIENTS) throw Object.assign(new Error(`at most ${MAX_CLIENTS} test clients`), { code: 'WSF_STUDIO_CLIENTS' });
    const url = runningFlowUrl(baseUrl, params.path);
    for (const [key, value] of Object.entries(params.query ?? {})) if (key) url.searchParams.set(key, value);
    const clientId = `c${this.next++}`;
    const socket = new WebSocket(url, params.protocols ?? [], { headers: params.headers ?? {}, handshakeTimeout: CLIENT_HANDSHAKE_MS });
    this.clients.set(clientId, socket);
    const push = (entry: ClientEntry) => this.emit({ event: 'client', clientId, entry });
    socket.on('open', () => push({ t: Date.now(), kind: 'open', url: url.toString(), protocol: socket.protocol }));
    socket.on('message', (data, isBinary) => {
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const shown = isBinary ? buffer.subarray(0, MAX_SHOWN).toString('base64') : buffer.subarray(0, MAX_SHOWN).toString('utf8');
      push({ t: Date.now(), kind: 'received', data: shown, ...(isBinary ? { binary: true } : {}) });
    });
    /** the refusal says it all: the abort's own error ("closed before the connection was established") is noise */
    let refused = false;
    socket.on('unexpected-response', (_req, res) => {
      // The engine says why in the body (e.g. 503: the broker did not confirm the subscription).
      let body = '';
      const report = () => {
        if (refused) return;
        refused = true;
        const reason = body.trim();
        push({ t: Date.now(), kind: 'error', message: `handshake refused: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim() + (reason ? ` — ${reason}` : '') });
        socket.terminate();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_REASON) body = (body + chunk).slice(0, MAX_REASON);
      });
      res.once('end', report);
      res.once('error', report);
      res.once('close', report);
    });
    socket.on('error', (error) => {
      if (!refused) push({ t: Date.now(), kind: 'error', message: error.message });
    });
    socket.on('close', (code, reason) => {
      this.clients.delete(clientId);
      push({ t: Date.now(), kind: 'close', code, reason: reason.toString('utf8') });
    });
    return { clientId, url: url.toString() };
  }

  /** Resolves once the client's handshake is done; rejects when it closes or fails first (replay.ts). */
  whenOpen(clientId: string): Promise<void> {
    const socket = this.get(clientId);
    if (socket.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('close', (code) => reject(Object.assign(new Error(`client ${clientId} could not connect (${code})`), { code: 'WSF_STUDIO_CLIENT_CLOSED' })));
    });
  }

  send(clientId: string, data: string): void {
    const socket = this.get(clientId);
    if (socket.readyState !== WebSocket.OPEN) throw Object.assign(new Error(`client ${clientId} is not open`), { code: 'WSF_STUDIO_CLIENT_CLOSED' });
    socket.send(data);
    this.emit({ event: 'client', clientId, entry: { t: Date.now(), kind: 'sent', data: data.slice(0, MAX_SHOWN) } });
  }

  close(clientId: string, code?: number, reason?: string): void {
    const socket = this.get(clientId);
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close(code ?? 1000, reason ?? '');
  }

  private get(clientId: string): WebSocket {
    const socket = this.clients.get(clientId);
    if (!socket) throw Object.assign(new Error(`no open test client ${clientId}`), { code: 'WSF_STUDIO_CLIENT_CLOSED' });
    return socket;
  }

  closeAll(): void {
    for (const socket of this.clients.values()) socket.terminate();
    this.clients.clear();
  }
}
