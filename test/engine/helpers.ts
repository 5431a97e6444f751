/** Shared helpers of the engine tests: start a flow from inline YAML, talk to it with real `ws` clients. */
import { parse } from 'yaml';
import WebSocket from 'ws';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import type { EngineOptions, RunningFlow, TraceEvent } from '../../runtime/engine/contracts.ts';
import { waitFor as sharedWaitFor } from '../helpers/wait.ts';

export function flowFrom(yaml: string): FlowDocument {
  return parse(yaml) as FlowDocument;
}

export async function start(yaml: string, options: EngineOptions = {}): Promise<RunningFlow> {
  return startFlow(await compileFlow(flowFrom(yaml)), { port: 0, ...options });
}

export interface Client {
  ws: WebSocket;
  /** next message (text as string, binary as Buffer), failing after `ms` */
  next(ms?: number): Promise<string | Buffer>;
  /** resolves with close code and reason */
  closed: Promise<{ code: number; reason: string }>;
  messages: (string | Buffer)[];
}

export function connect(url: string, protocols?: string | string[], headers?: Record<string, string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    const messages: (string | Buffer)[] = [];
    const waiters: ((m: string | Buffer) => void)[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = isBinary ? data : data.toString();
      const w = waiters.shift();
      if (w) w(m);
      else messages.push(m);
    });
    const closed = new Promise<{ code: number; reason: string }>((res) => ws.on('close', (code, reason) => res({ code, reason: reason.toString() })));
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        closed,
        next(ms = 3000) {
          const m = messages.shift();
          if (m !== undefined) return Promise.resolve(m);
          return new Promise((res, rej) => {
            const timer = setTimeout(() => {
              const i = waiters.indexOf(w);
              if (i >= 0) waiters.splice(i, 1);
              rej(new Error(`no message within ${ms} ms`));
            }, ms);
            const w = (msg: string | Buffer) => {
              clearTimeout(timer);
              res(msg);
            };
            waiters.push(w);
          });
        },
      }),
    );
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body.trim()}`), { status: res.statusCode, body: body.trim() })));
    });
  });
}

/** Expect the handshake to be refused; returns status and body. */
export async function refused(url: string, protocols?: string | string[]): Promise<{ status: number; body: string }> {
  try {
    const c = await connect(url, protocols);
    c.ws.close();
  } catch (error) {
    const e = error as { status?: number; body?: string };
    if (typeof e.status === 'number') return { status: e.status, body: e.body ?? '' };
    throw error;
  }
  throw new Error('the handshake was accepted');
}

export function collect(flow: RunningFlow): { events: TraceEvent[]; stop(): void } {
  const events: TraceEvent[] = [];
  const sub = flow.subscribe((e) => events.push(e));
  return { events, stop: () => sub.unsubscribe() };
}

/** test/helpers/wait.ts's waitFor, in the argument order the engine tests use. */
export function waitFor<T>(probe: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  return sharedWaitFor(what, probe, ms) as Promise<T>;
}

export const ECHO = `
wsflow: 1
name: echo
listener: { port: 0 }
nodes:
  - { id: up, type: upgrader, basePath: /chat }
  - { id: svc, type: service }
  - id: on-text
    type: onText
    code: |
      export default function onText(conn: Connection, text: string) {
        conn.send(text);
      }
edges:
  - { from: up, to: svc }
  - { from: svc, to: on-text }
`;
