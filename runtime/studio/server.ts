/**
 * `startStudio`: the studio backend. One HTTP server on 127.0.0.1 that serves the built renderer
 * (`dist/renderer`) and one WebSocket endpoint (`/api`) that speaks `protocol.ts`.
 *
 * It runs user code, so no other web page may reach it: every request needs the per-launch token
 * (in the URL, or in the HttpOnly SameSite=Strict cookie the first page load sets), a Host header
 * naming the loopback address (defeats DNS rebinding), and an Origin, when sent, of the studio
 * itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { RootFolder } from './files.ts';
import { ParsedFiles } from './parsed-files.ts';
import { STUDIO_API_PATH, STUDIO_TOKEN_COOKIE, type StudioEvent, type StudioServerMessage } from './protocol.ts';
import { StudioEnvironment } from './environment.ts';
import { Runner } from './runner.ts';
import { Session } from './session.ts';
import { Validator } from './validator.ts';

export interface StudioOptions {
  port?: number;
  host?: string;
  /** Flow to open; its folder becomes the root of file access. */
  file?: string;
  log?: (line: string) => void;
  /** Root folder when no file is given (default: the current directory). */
  root?: string;
  /** Folder of the built renderer (default `dist/renderer` of this checkout). */
  rendererDir?: string;
  /** Extra allowed `Origin` values (e.g. the Electron shell's custom scheme). */
  allowedOrigins?: string[];
  /** The environment flows run with (default `process.env`); it wins over `envFile`, as for `wsflow run`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--env-file`: its path (shown in the designer) and its variables. */
  envFile?: { path: string; values: Readonly<Record<string, string>> };
}

export interface StudioHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const DEFAULT_RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));
/** A socket that lags this far behind gets no trace batches until it catches up. */
const MAX_BUFFERED = 4 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export async function startStudio(options: StudioOptions = {}): Promise<StudioHandle> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  let root: string;
  let initialFile: string | undefined;
  if (options.file) {
    const abs = path.resolve(options.file);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (stat?.isDirectory()) root = abs;
    else {
      if (!stat) throw Object.assign(new Error(`${options.file}: no such file`), { code: 'WSF_STUDIO_NOT_FOUND' });
      root = path.dirname(abs);
      initialFile = path.basename(abs);
    }
  } else {
    root = path.resolve(options.root ?? process.cwd());
  }
  const rendererDir = path.resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const token = randomBytes(24).toString('base64url');
  const folder = new RootFolder(root);
  const sessions = new Set<{ socket: WebSocket; session: Session }>();

  const broadcast = (event: StudioEvent) => {
    const text = JSON.stringify(event);
    for (const { socket } of sessions) {
      if (event.event === 'trace' && socket.bufferedAmount > MAX_BUFFERED) continue;
      socket.send(text);
    }
  };
  const environment = new StudioEnvironment(options.env ?? process.env, options.envFile?.values ?? {}, options.envFile?.path);
  const runner = new Runner(broadcast, environment, folder);
  const validator = new Validator(log, root);
  const parsedFiles = new ParsedFiles();
  // Parse the flow named on the command line while the browser starts; a failure here is
  // reported when the designer opens the file.
  if (initialFile) {
    const file = initialFile;
    setImmediate(() => void folder.read(file).then((read) => parsedFiles.of(read.rel, read.text, folder.checkOptions()), () => undefined));
  }

  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([...[...allowedHosts()].map((h) => `http://${h}`), ...(options.allowedOrigins ?? [])]);
  const tokenMatches = (candidate: string | undefined | null) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  /** Why a request is refused, or undefined when it may proceed. */
  const refusal = (req: http.IncomingMessage, url: URL): { status: number; why: string } | undefined => {
    if (!allowedHosts().has(String(req.headers.host ?? ''))) return { status: 421, why: 'wrong Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return { status: 403, why: `foreign Origin ${origin}` };
    if (!tokenMatches(url.searchParams.get('token')) && !tokenMatches(readCookie(req.headers.cookie, STUDIO_TOKEN_COOKIE))) {
      return { status: 403, why: 'missing or wrong token' };
    }
    return undefined;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    const refused = refusal(req, url);
    if (refused) {
      log(`studio: refused ${req.method} ${url.pathname}: ${refused.why}`);
      res.writeHead(refused.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`wsflow studio: ${refused.why}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (tokenMatches(url.searchParams.get('token'))) {
      res.setHeader('set-cookie', `${STUDIO_TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    void serveStatic(rendererDir, url.pathname, res, port);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://studio.invalid');
    const refused = url.pathname === STUDIO_API_PATH ? refusal(req, url) : { status: 404, why: 'no such endpoint' };
    if (refused) {
      log(`studio: refused WebSocket ${url.pathname}: ${refused.why}`);
      socket.end(`HTTP/1.1 ${refused.status} ${http.STATUS_CODES[refused.status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (message: StudioServerMessage) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      };
      const entry = {
        socket: ws,
        session: new Session({ folder, runner, environment, validator, log, parsedFiles, ...(initialFile ? { initialFile } : {}) }, send),
      };
      sessions.add(entry);
      // The default binaryType ('nodebuffer') delivers each message as one Buffer.
      ws.on('message', (data) => void entry.session.handle((data as Buffer).toString()));
      ws.on('close', () => {
        sessions.delete(entry);
        // Its breakpoints go too, and what was paused for it alone goes on (debug-relay.ts).
        entry.session.close();
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}/?token=${token}`;
  log(`studio: serving ${root} at ${url}`);

  return {
    url,
    port,
    token,
    async close() {
      for (const { socket, session } of sessions) {
        session.close();
        socket.terminate();
      }
      sessions.clear();
      await runner.stop('studio closed').catch(() => undefined);
      await validator.close();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

async function serveStatic(dir: string, pathname: string, res: http.ServerResponse, port: number): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const abs = path.resolve(dir, `.${rel}`);
  if (!abs.startsWith(dir + path.sep) || rel.includes('\0')) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await fs.readFile(abs);
    const ext = path.extname(abs).toLowerCase();
    const headers: Record<string, string> = {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': ext === '.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (ext === '.html') {
      // Everything the app needs is on this origin; the CSP makes a stray CDN URL fail loudly.
      headers['content-security-policy'] = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; ');
      headers['referrer-policy'] = 'no-referrer';
    }
    res.writeHead(200, headers).end(body);
  } catch {
    if (path.extname(rel) === '' || rel === '/index.html') {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('wsflow studio: the designer is not built; run `npm run build`\n');
    } else {
      res.writeHead(404).end();
    }
  }
}
