/**
 * Plain HTTP on the engine's port: `/healthz` for probes, 426 on WebSocket paths, 404 elsewhere;
 * and refusing an upgrade with a real HTTP response (status + reason body) before the handshake.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export function answerPlainRequest(req: IncomingMessage, res: ServerResponse, isWebSocketPath: (pathname: string) => boolean): void {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  const send = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) send(200, 'ok');
  else if (isWebSocketPath(pathname)) send(426, 'this path serves WebSocket connections: connect with a WebSocket client\n', { upgrade: 'websocket' });
  else send(404, `nothing is served at ${pathname}\n`);
}

/** Write an HTTP error response on a socket that asked for an upgrade, then close it. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, extraHeaders: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  let extra = '';
  for (const [name, value] of Object.entries(extraHeaders)) extra += `${name}: ${value}\r\n`;
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'Connection: close\r\n' +
    extra +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.end(head + body);
  socket.once('finish', () => socket.destroy());
}

/** Request headers with lower-case names, repeated ones joined by ", " (the handler API shape). */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
