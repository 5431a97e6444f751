/**
 * The engine's Prometheus metrics (names fixed by the design notes, "Metrics and traces"):
 * `wsflow_connections{service}`, `wsflow_messages_received_total{service}`,
 * `wsflow_messages_sent_total{service}`, `wsflow_handler_duration_seconds{node}`,
 * `wsflow_handler_errors_total{node}`, `wsflow_upgrades_total{upgrader,status}`, the Redis
 * adapter's `wsflow_redis_up` / `wsflow_redis_undelivered_total` when it is in use,
 * `wsflow_connector_dropped_total{node,reason}` (publishes that did not reach their broker), and
 * prom-client's default process metrics.
 *
 * Nothing here runs per message: the engine increments plain numbers on its service records and
 * these gauges and counters read them when scraped; handler durations arrive as bucket counts
 * from the handler host every 250 ms. Label values are service ids, node ids and status codes
 * only (bounded by the flow), never connection ids or request paths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorDrops } from '../contracts.ts';
import type { StatsDelta } from '../host/protocol.ts';
import { BucketHistogram } from './histogram.ts';

/** Plain counters kept on each service record (incremented on the hot path, nothing else). */
export interface ServiceCounts {
  received: number;
  sent: number;
  /** connections closed with 1008 for a backlog over `limits.maxBufferedBytes` */
  slowReaders: number;
  /** connections closed with 1008 for a message rate over `limits.messagesPerSecond` */
  rateLimited: number;
}

export interface MetricsSource {
  /** the services served now */
  services(): Iterable<{ id: string; open: number; counts: ServiceCounts }>;
  /** the cluster adapter's counters (ClusterAdapter.stats) */
  adapterStats(): Record<string, number>;
  /** the connectors' dropped publishes (ConnectorHost.drops), read when scraped */
  connectorDrops?(): Iterable<ConnectorDrops>;
  /** `WSFLOW_METRICS_TOKEN`: scrapes must send `Authorization: Bearer <token>`. */
  token?: string;
}

export const METRICS_PATH = '/metrics';
/**
 * A rendered scrape is reused this long: a flood of scrapes (anyone who reaches the port) costs
 * one render a second, not one each. Scrapers ask every 5 s or more, so they never see it.
 */
export const METRICS_CACHE_MS = 1000;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class EngineMetrics {
  readonly registry = new Registry();
  private readonly upgrades: Counter<'upgrader' | 'status'>;
  private readonly errors: Counter<'node'>;
  private readonly durations: BucketHistogram;

  private readonly tokenDigest: Buffer | undefined;
  private cached: { at: number; text: Promise<string> } | undefined;

  constructor(source: MetricsSource) {
    this.tokenDigest = source.token === undefined ? undefined : digest(source.token);
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'wsflow_connections',
      help: 'Open WebSocket connections per service on this instance.',
      labelNames: ['service'],
      registers,
      collect() {
        this.reset();
        for (const s of source.services()) this.set({ service: s.id }, s.open);
      },
    });
    const perService = (name: string, help: string, pick: (c: ServiceCounts) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['service'],
        registers,
        collect() {
          this.reset();
          for (const s of source.services()) this.inc({ service: s.id }, pick(s.counts));
        },
      });
    perService('wsflow_messages_received_total', 'Messages (text and binary frames) received from clients per service.', (c) => c.received);
    perService('wsflow_messages_sent_total', 'Messages sent to clients per service (replies, broadcasts and targeted sends, one per recipient).', (c) => c.sent);
    new Counter({
      name: 'wsflow_policy_closes_total',
      help: 'Connections closed with 1008 by a service limit, per service and reason (slow_reader: unsent backlog over maxBufferedBytes; rate_limit: over messagesPerSecond).',
      labelNames: ['service', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const s of source.services()) {
          this.inc({ service: s.id, reason: 'slow_reader' }, s.counts.slowReaders);
          this.inc({ service: s.id, reason: 'rate_limit' }, s.counts.rateLimited);
        }
      },
    });
    this.durations = new BucketHistogram('wsflow_handler_duration_seconds', 'Duration of handler and upgrade snippet invocations per node.', this.registry);
    this.errors = new Counter({ name: 'wsflow_handler_errors_total', help: 'Failed invocations per node (thrown, rejected, timed out, crashed).', labelNames: ['node'], registers });
    this.upgrades = new Counter({
      name: 'wsflow_upgrades_total',
      help: 'WebSocket upgrade requests by upgrader node and HTTP status (101 = accepted; upgrader is empty when no route matched).',
      labelNames: ['upgrader', 'status'],
      registers,
    });
    new Counter({
      name: 'wsflow_connector_dropped_total',
      help: 'Publishes of connector nodes (bindings and snippets) that did not reach their broker, by node and reason (backlog, unavailable, timeout, failed), and HTTP calls not made because settings.httpCalls was full (busy).',
      labelNames: ['node', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const d of source.connectorDrops?.() ?? []) this.inc({ node: d.node, reason: d.reason }, d.count);
      },
    });
    if ('redisUp' in source.adapterStats()) this.redis(source, registers);
  }

  private redis(source: MetricsSource, registers: Registry[]): void {
    new Gauge({
      name: 'wsflow_redis_up',
      help: '1 while the Redis cluster adapter is connected (publish and subscribe), else 0.',
      registers,
      collect() {
        this.set(source.adapterStats().redisUp ?? 0);
      },
    });
    new Counter({
      name: 'wsflow_redis_undelivered_total',
      help: 'Broadcasts and targeted sends that could not reach other instances (Redis unreachable).',
      registers,
      collect() {
        this.reset();
        this.inc(source.adapterStats().undelivered ?? 0);
      },
    });
  }

  upgrade(upgrader: string, status: number): void {
    this.upgrades.inc({ upgrader, status: String(status) });
  }

  handlerError(node: string): void {
    this.errors.inc({ node });
  }

  /** Statistics of the handler host since its last delta. */
  addStats(delta: StatsDelta): void {
    for (const [node, stats] of Object.entries(delta.perNode)) {
      // An action node of a chain brings only its errors (its time is its handler's).
      if (stats.count > 0) this.durations.add(node, stats);
      if (stats.errors > 0) this.errors.inc({ node }, stats.errors);
    }
  }

  /** Nodes with a snippet appear with zero counts before they first run. */
  seedNodes(nodeIds: readonly string[]): void {
    for (const node of nodeIds) {
      this.durations.seed(node);
      this.errors.inc({ node }, 0);
    }
  }

  /** Answers `GET|HEAD /metrics`; false for every other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== METRICS_PATH) return false;
    if (this.tokenDigest && !this.authorized(req)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8' });
      res.end('a bearer token is required for /metrics\n');
      return true;
    }
    this.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': this.registry.contentType, 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        const body = `metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
    );
    return true;
  }

  private authorized(req: IncomingMessage): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Digests, so the comparison takes the same time whatever the length (as API keys, auth.ts).
    return m !== null && this.tokenDigest !== undefined && timingSafeEqual(digest(m[1] as string), this.tokenDigest);
  }

  private render(): Promise<string> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= METRICS_CACHE_MS) {
      const text = this.registry.metrics();
      this.cached = { at: now, text };
      // A failed render is not kept: the next scrape tries again.
      text.catch(() => {
        if (this.cached?.text === text) this.cached = undefined;
      });
    }
    return this.cached.text;
  }
}
