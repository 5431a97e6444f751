/**
 * `npm run bench:brokers`: one message published on a broker to N WebSocket clients (default
 * 1,000), for MQTT, NATS and AMQP, through the broker's sample (samples/*-bridge.wsflow.yaml)
 * served by `wsflow run` and by its exported service, against a hand-written library + ws bridge
 * (bench/brokers/*-hand-bridge.mjs), all against the same throw-away broker in the same run.
 *
 * The three servers run side by side, each with its own N clients on its own key (topic, subject,
 * routing key), so a publish reaches exactly one of them. Each round measures every server for
 * `--messages` publishes, in an order rotated per round, so a slow spell of a shared machine
 * falls on all of them alike. Per publish: the time from publish until the last client has the
 * message (p50/p99 over every publish of every round). Per server: its CPU time (user + system,
 * /proc, process tree) while its own publishes were in flight, per delivered message.
 *
 *   npm run bench:brokers -- [--brokers nats,amqp,mqtt] [--clients 1000] [--rounds 10]
 *                            [--messages 50] [--quick] [--json FILE]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { exportFlow } from '../../runtime/export/index.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { killAllNow, REPO_ROOT, spawnTracked, type Spawned } from '../lib/proc.ts';
import { sampleProcess } from '../lib/procstat.ts';
import { percentile } from '../lib/stats.ts';
import { amqpBroker } from './amqp.ts';
import { mqttBroker } from './mqtt.ts';
import { natsBroker } from './nats.ts';
import type { BrokerAdapter, BrokerId, Publisher } from './types.ts';

const BROKERS: Record<BrokerId, BrokerAdapter> = { mqtt: mqttBroker, nats: natsBroker, amqp: amqpBroker };

type ContenderId = 'hand' | 'run' | 'export';
const CONTENDERS: readonly ContenderId[] = ['hand', 'run', 'export'];
const LABELS: Record<ContenderId, (broker: BrokerAdapter) => string> = {
  hand: (b) => `hand-written ${b.id} + ws`,
  run: () => 'wsflow run',
  export: () => 'wsflow export',
};

/** The line every server prints once it listens (wsflow run, the exported service, the hand bridges). */
const URL_LINE = /ws:\/\/127\.0\.0\.1:\d+/;
const START_MS = 60_000;
/** A publish that has not reached every client by then is a failure, not a slow sample. */
const DELIVERY_TIMEOUT_MS = 10_000;

export interface Options {
  brokers: BrokerId[];
  clients: number;
  rounds: number;
  messages: number;
  /** extra publishes per server after every client got one, before anything is measured */
  warm: number;
  json?: string;
}

export interface ContenderResult {
  contender: ContenderId;
  label: string;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerDelivery: number;
  publishes: number;
}

export interface BrokerResult {
  broker: BrokerId;
  label: string;
  contenders: ContenderResult[];
  error?: string;
}

/** Reads the command line; a bad value is refused naming the flag. */
export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      brokers: { type: 'string' },
      clients: { type: 'string' },
      rounds: { type: 'string' },
      messages: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const count = (flag: 'clients' | 'rounds' | 'messages', fallback: number): number => {
    const raw = values[flag];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} ${raw}: expected a whole number of at least 1`);
    return n;
  };
  const brokers = (values.brokers ?? 'mqtt,nats,amqp').split(',').map((s) => s.trim());
  for (const b of brokers) if (!(b in BROKERS)) throw new Error(`--brokers: unknown broker '${b}' (known: ${Object.keys(BROKERS).join(', ')})`);
  return {
    brokers: brokers as BrokerId[],
    // --quick keeps the harness exercised (npm run bench:check); its numbers mean nothing.
    clients: count('clients', quick ? 20 : 1000),
    rounds: count('rounds', quick ? 2 : 10),
    messages: count('messages', quick ? 3 : 50),
    warm: quick ? 2 : 20,
    ...(values.json !== undefined ? { json: values.json } : {}),
  };
}

/** N clients of one server on one key: knows when all of them have the message now expected. */
class ClientGroup {
  private readonly sockets: WebSocket[] = [];
  private expected = '';
  private pending = 0;
  private done: (() => void) | undefined;

  private constructor(readonly key: string) {}

  static async connect(url: string, key: string, clients: number): Promise<ClientGroup> {
    const group = new ClientGroup(key);
    // In batches, so that a server sees a bounded burst of handshakes.
    for (let start = 0; start < clients; start += 100) {
      const batch = Array.from({ length: Math.min(100, clients - start) }, () => group.open(url));
      group.sockets.push(...(await Promise.all(batch)));
    }
    return group;
  }

  private open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      // Kept after the open: a later socket error must not become an unhandled 'error' event.
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        if (this.pending > 0 && data.toString() === this.expected && --this.pending === 0) this.done?.();
      });
    });
  }

  /** ms from publish until every client had `text`, or undefined after `timeoutMs`. */
  async deliver(publisher: Publisher, text: string, timeoutMs: number): Promise<number | undefined> {
    this.expected = text;
    this.pending = this.sockets.length;
    const all = new Promise<true>((resolve) => (this.done = () => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const t0 = performance.now();
    await publisher.publish(this.key, text);
    const ok = await Promise.race([all, late]);
    clearTimeout(timer);
    this.pending = 0;
    return ok ? performance.now() - t0 : undefined;
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

interface Server {
  contender: ContenderId;
  process: Spawned;
  group: ClientGroup;
  times: number[];
  cpuSeconds: number;
}

/** The sample exported as a service (what `wsflow export` writes) into a temp folder. */
async function exportSample(broker: BrokerAdapter, dir: string): Promise<string> {
  const file = join(REPO_ROOT, broker.sample);
  const parsed = parseFlow(readFileSync(file, 'utf8'), file);
  if (!parsed.flow) throw new Error(`${broker.sample}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  await exportFlow(parsed.flow, { outDir: dir, force: true });
  return join(dir, 'server.mjs');
}

/** The broker's URL reaches every server through the environment variable the sample reads. */
function startServer(contender: ContenderId, broker: BrokerAdapter, brokerUrl: string, exported: string): Spawned {
  const env = { ...process.env, [broker.envVar]: brokerUrl };
  if (contender === 'hand') return spawnTracked(process.execPath, [broker.handBridge], { env, raiseFdLimit: true });
  if (contender === 'run') return spawnTracked(process.execPath, ['bin/wsflow.mjs', 'run', broker.sample, '--port', '0'], { env, raiseFdLimit: true });
  // As its Dockerfile runs it: in the export folder, PORT and HOST from the environment.
  return spawnTracked(process.execPath, [exported], { cwd: dirname(exported), env: { ...env, PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'production' }, raiseFdLimit: true });
}

async function measureBroker(broker: BrokerAdapter, options: Options, log: (line: string) => void): Promise<ContenderResult[]> {
  const dir = mkdtempSync(join(tmpdir(), `wsflow-bench-${broker.id}-`));
  const running = await broker.startBroker();
  const servers: Server[] = [];
  let publisher: Publisher | undefined;
  try {
    log(`${broker.label} at ${running.url}`);
    const exported = await exportSample(broker, dir);
    for (const contender of CONTENDERS) {
      const proc = startServer(contender, broker, running.url, exported);
      const url = (await proc.waitForLine(URL_LINE, START_MS, `${LABELS[contender](broker)} (${broker.id})`))[0];
      const key = `bench-${contender}`;
      const group = await ClientGroup.connect(`${url}${broker.pathPrefix}${key}`, key, options.clients);
      servers.push({ contender, process: proc, group, times: [], cpuSeconds: 0 });
    }
    publisher = await broker.connectPublisher(running.url);
    // Warm-up: until every client is subscribed and gets a message (bounded), then a few more.
    for (const s of servers) {
      let warm = false;
      for (let i = 0; i < 100 && !warm; i++) warm = (await s.group.deliver(publisher, `warm ${i}`, 1000)) !== undefined;
      if (!warm) throw new Error(`${LABELS[s.contender](broker)}: its ${options.clients} clients never all received a message`);
      for (let i = 0; i < options.warm; i++) await s.group.deliver(publisher, `warm more ${i}`, DELIVERY_TIMEOUT_MS);
    }
    const payload = 'x'.repeat(64);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < servers.length; k++) {
        const s = servers[(round + k) % servers.length]!;
        const before = sampleProcess(s.process.pid);
        for (let m = 0; m < options.messages; m++) {
          const ms = await s.group.deliver(publisher, `${round}:${m} ${payload}`, DELIVERY_TIMEOUT_MS);
          if (ms === undefined) throw new Error(`${LABELS[s.contender](broker)}: publish ${m} of round ${round} did not reach every client in ${DELIVERY_TIMEOUT_MS} ms`);
          s.times.push(ms);
        }
        s.cpuSeconds += sampleProcess(s.process.pid).cpuSeconds - before.cpuSeconds;
      }
      log(`${broker.id}: round ${round + 1}/${options.rounds} done`);
    }
    return servers.map((s) => ({
      contender: s.contender,
      label: LABELS[s.contender](broker),
      p50Ms: percentile(s.times, 50),
      p99Ms: percentile(s.times, 99),
      cpuUsPerDelivery: (s.cpuSeconds * 1e6) / (s.times.length * options.clients),
      publishes: s.times.length,
    }));
  } finally {
    await publisher?.close().catch(() => undefined);
    for (const s of servers) {
      s.group.close();
      await s.process.kill();
    }
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratio = (value: number, hand: number | undefined) => (hand && hand > 0 ? `×${(value / hand).toFixed(2)}` : '–');

export function formatTable(result: BrokerResult, options: Options): string {
  const head = `${result.label}: one message -> ${options.clients} WebSocket clients, ${options.rounds} rounds × ${options.messages} publishes per server, alternating\n`;
  if (result.error) return `${head}FAILED: ${result.error}\n`;
  const hand = result.contenders.find((c) => c.contender === 'hand');
  const rows = result.contenders.map(
    (c) =>
      `| ${c.label} | ${c.p50Ms.toFixed(2)} ms | ${ratio(c.p50Ms, hand?.p50Ms)} | ${c.p99Ms.toFixed(2)} ms | ${ratio(c.p99Ms, hand?.p99Ms)} | ${c.cpuUsPerDelivery.toFixed(2)} µs | ${ratio(c.cpuUsPerDelivery, hand?.cpuUsPerDelivery)} |`,
  );
  return [head, '| contender | time to all p50 | ×hand | p99 | ×hand | server CPU per delivery | ×hand |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const log = (line: string) => process.stderr.write(`[bench:brokers] ${line}\n`);
  const results: BrokerResult[] = [];
  for (const id of options.brokers) {
    const broker = BROKERS[id];
    try {
      results.push({ broker: id, label: broker.label, contenders: await measureBroker(broker, options, log) });
    } catch (error) {
      results.push({ broker: id, label: broker.label, contenders: [], error: error instanceof Error ? error.message : String(error) });
    }
    process.stdout.write(`${formatTable(results.at(-1)!, options)}\n`);
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ options, results }, null, 2)}\n`);
  return results.some((r) => r.error) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    killAllNow();
    process.exit(code);
  },
  (error: unknown) => {
    killAllNow();
    process.stderr.write(`bench:brokers: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
