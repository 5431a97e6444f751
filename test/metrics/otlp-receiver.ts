/**
 * A minimal OTLP/HTTP trace receiver for tests: a plain node:http server on a free loopback port
 * that accepts `POST /v1/traces` with a JSON body (what @opentelemetry/exporter-trace-otlp-http
 * sends) and keeps every span with its attributes decoded. Protobuf bodies are refused with 415,
 * so a change of encoding fails the test instead of passing silently.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor as sharedWaitFor } from '../helpers/wait.ts';

export interface ReceivedSpan {
  name: string;
  service: string;
  startMs: number;
  endMs: number;
  status: number;
  statusMessage?: string;
  attributes: Record<string, string | number | boolean>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value: AnyValue;
}
interface OtlpBody {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: { name: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes?: KeyValue[]; status?: { code?: number; message?: string } }[] }[];
  }[];
}

function decode(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return '';
}

function attrs(list: KeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of list ?? []) out[kv.key] = decode(kv.value);
  return out;
}

export interface OtlpReceiver {
  endpoint: string;
  spans: ReceivedSpan[];
  /** requests that were not OTLP/JSON traces (content type or path) */
  refused: string[];
  waitFor(what: string, check: (spans: ReceivedSpan[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = req.headers['content-type'] ?? '';
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !type.startsWith('application/json')) {
        refused.push(`${req.method} ${req.url} ${type}`);
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody;
      for (const rs of body.resourceSpans ?? []) {
        const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              name: s.name,
              service,
              startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
              endMs: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000,
              status: s.status?.code ?? 0,
              statusMessage: s.status?.message,
              attributes: attrs(s.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    refused,
    async waitFor(what, check, ms = 20_000) {
      try {
        await sharedWaitFor(what, () => check(spans), ms, 50);
      } catch {
        throw new Error(`the OTLP receiver never got ${what} within ${ms} ms; spans: ${JSON.stringify(spans.slice(0, 10))}; refused: ${refused.join(', ')}`);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
