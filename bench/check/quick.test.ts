/**
 * `npm run bench:check` (not part of `npm test`: it measures, and a loaded machine makes any
 * measurement slow). `npm run bench -- --quick` end to end: real servers of all four contenders, real load
 * generators, and the table, JSON and SVG it writes, with every number in a sane range. The
 * figures of a quick run are not for comparison; this keeps the harness itself working.
 * No network: the run passes --no-install, so Node-RED is measured only when `npm run bench --
 * --setup` installed it before, and otherwise skipped with the reason printed.
 * Also `npm run bench:brokers -- --quick`: the broker fan-out (MQTT, NATS, AMQP) with a few
 * clients against real throw-away brokers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedNodeRedVersion } from '../contenders/nodered.ts';
import { allowedCpus } from '../lib/placement.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ContenderResult {
  label: string;
  runs: Record<string, number>[];
  errors: string[];
  median: Record<string, number | null>;
}
interface ScenarioResult {
  id: string;
  contenders: Record<string, ContenderResult>;
  skipped: Record<string, string>;
  notes: string[];
}
interface BenchJson {
  complete: boolean;
  quick: boolean;
  scenarios: ScenarioResult[];
  targets: { target: string; measured: number | null }[];
}

function runBench(args: string[], timeoutMs: number, script = 'bench'): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // Exactly what a person or CI types: `npm run bench -- ARGS`.
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      out += '\n[test] bench did not finish in time; killing its process group\n';
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const hasRedis = (() => {
  try {
    return execFileSync('bash', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
})();

const hasNodeRed = installedNodeRedVersion() !== undefined;
const CONTENDERS = ['raw', 'engine', 'export', ...(hasNodeRed ? ['nodered'] : [])];
/** Scenarios whose flow has a low-code twin (bench/contenders), so the `lowcode` contender runs. */
const LOWCODE_TWINS = new Set(['echo', 'echo-raw', 'connections']);

describe('npm run bench -- --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'wsflow-bench-test-'));
  let run: { code: number | null; out: string };
  let json: BenchJson;

  beforeAll(async () => {
    // --pin: the placement code runs in CI too (it changes where processes run, not what they do).
    run = await runBench(['--quick', '--no-install', '--pin', '--out', out], 400_000);
    json = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchJson;
  }, 600_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 and prints a table with ratios and the targets', () => {
    expect(run.code, run.out.slice(-3000)).toBe(0);
    expect(run.out).toMatch(/Echo throughput .* medians of 1 round/);
    expect(run.out).toMatch(/msgs\/s ×raw/);
    expect(run.out).toMatch(/Targets \(issues 7 and 10\):/);
    expect(run.out).not.toMatch(/FAILED/);
  });

  it('says where the request/reply servers and their load ran (pinned apart when it can)', () => {
    const canPin = allowedCpus().length >= 2;
    for (const id of ['echo', 'snippet']) {
      const notes = json.scenarios.find((s) => s.id === id)?.notes ?? [];
      expect(notes, id).toContainEqual(canPin ? expect.stringMatching(/^server pinned to core \d+, load generator to core\(s\) [\d,]+/) : expect.stringMatching(/taskset not available|one core/));
    }
  });

  it('measures every contender in every scenario with sane numbers', () => {
    expect(json.quick).toBe(true);
    expect(json.complete).toBe(true);
    const ranges: Record<string, Record<string, [number, number]>> = {
      echo: { msgsPerSec: [100, 1e6], p50Ms: [0.01, 5000], p99Ms: [0.01, 10_000], cpuUsPerMsg: [0.5, 20_000] },
      snippet: { msgsPerSec: [100, 1e6], p50Ms: [0.01, 5000], cpuUsPerMsg: [0.5, 20_000] },
      fanout: { maxDeliveriesPerSec: [1000, 1e8], timeToAllP50Ms: [0.01, 5000], cpuUsPerDelivery: [0.1, 10_000] },
      connections: { kbPerConnection: [0.1, 2000], openSeconds: [0.001, 120], connections: [1000, 1000] },
      'echo-raw': { msgsPerSec: [100, 1e6], p50Ms: [0.01, 5000], cpuUsPerMsg: [0.5, 20_000] },
      // CPU is read in 10 ms ticks: a quick run's 20 MiB may cost raw ws only a few of them.
      large: { mibPerSec: [0.5, 1e5], cpuMsPerMib: [0, 10_000], peakRssMib: [10, 4096] },
      'large-raw': { mibPerSec: [0.5, 1e5], cpuMsPerMib: [0, 10_000], peakRssMib: [10, 4096] },
      // Compressed JSON of ~3 KiB takes a few hundred bytes; uncompressed would be over 3,000.
      deflate: { cpuUsPerDelivery: [0, 100_000], wireBytesPerDelivery: [20, 1500], messageBytes: [2000, 5000] },
    };
    for (const [id, metrics] of Object.entries(ranges)) {
      const scenario = json.scenarios.find((s) => s.id === id);
      expect(scenario, id).toBeDefined();
      // The low-code contender runs only where the bench has a low-code twin of the flow.
      const skips: Record<string, unknown> = {};
      if (!hasNodeRed) skips.nodered = expect.stringMatching(/Node-RED is not installed/) as unknown;
      if (id === 'deflate') skips.nodered = expect.stringMatching(/Node-RED is not installed|raw ws only/) as unknown;
      if (!LOWCODE_TWINS.has(id)) skips.lowcode = expect.stringMatching(/no low-code twin/) as unknown;
      expect(scenario!.skipped, id).toEqual(skips);
      for (const contender of [...CONTENDERS.filter((c) => !(id === 'deflate' && c === 'nodered')), ...(LOWCODE_TWINS.has(id) ? ['lowcode'] : [])]) {
        const entry = scenario!.contenders[contender];
        expect(entry, `${id}/${contender}`).toBeDefined();
        expect(entry!.errors, `${id}/${contender}`).toEqual([]);
        expect(entry!.runs).toHaveLength(1);
        for (const [key, [low, high]] of Object.entries(metrics)) {
          const value = entry!.median[key];
          expect(value, `${id}/${contender}/${key}`).toBeTypeOf('number');
          expect(value!, `${id}/${contender}/${key}`).toBeGreaterThanOrEqual(low);
          expect(value!, `${id}/${contender}/${key}`).toBeLessThanOrEqual(high);
        }
      }
    }
    // Every target of the issue got a measured ratio (those against Node-RED only when it ran).
    expect(json.targets).toHaveLength(10);
    for (const t of json.targets.filter((t) => hasNodeRed || !t.target.includes('Node-RED'))) expect(t.measured, t.target).toBeTypeOf('number');
  });

  it('says why a contender was skipped', () => {
    if (hasNodeRed) expect(run.out).toMatch(/Node-RED\s+Node-RED \d/);
    else expect(run.out).toMatch(/Node-RED\s+skipped: Node-RED is not installed/);
  });

  it('runs the two-instance Redis fan-out when redis-server is installed, else says why not', () => {
    const cluster = json.scenarios.find((s) => s.id === 'cluster')!;
    if (hasRedis) {
      expect(cluster.skipped).toEqual({});
      expect(cluster.contenders.engine!.errors).toEqual([]);
      expect(cluster.contenders.engine!.median.maxDeliveriesPerSec).toBeGreaterThan(1000);
    } else {
      expect(cluster.skipped.scenario).toMatch(/redis-server is not installed/);
    }
  });

  /** A row's medians, each within its range; the row ran once without an error. */
  const expectRow = (scenario: ScenarioResult, row: string, ranges: Record<string, [number, number]>) => {
    const entry = scenario.contenders[row];
    expect(entry, `${scenario.id}/${row}`).toBeDefined();
    expect(entry!.errors, `${scenario.id}/${row}`).toEqual([]);
    expect(entry!.runs).toHaveLength(1);
    for (const [key, [low, high]] of Object.entries(ranges)) {
      const value = entry!.median[key];
      expect(value, `${scenario.id}/${row}/${key}`).toBeTypeOf('number');
      expect(value!, `${scenario.id}/${row}/${key}`).toBeGreaterThanOrEqual(low);
      expect(value!, `${scenario.id}/${row}/${key}`).toBeLessThanOrEqual(high);
    }
  };
  const CHANNEL_RANGES: Record<string, [number, number]> = {
    deliveryP50Ms: [0.01, 5000],
    deliveryP99Ms: [0.01, 10_000],
    timeToAllP99Ms: [0.01, 10_000],
    cpuUsPerDelivery: [0.1, 10_000],
    maxDeliveriesPerSec: [1000, 1e8],
  };

  it('measures a channel fan-out against wsflow\'s and raw ws\'s broadcast in the same run', () => {
    const channels = json.scenarios.find((s) => s.id === 'channels')!;
    expect(channels.skipped).toEqual({});
    expect(Object.keys(channels.contenders).sort()).toEqual(['engine', 'export', 'lowcode', 'raw']);
    for (const row of ['raw', 'engine', 'lowcode', 'export']) expectRow(channels, row, CHANNEL_RANGES);
    expect(channels.contenders.lowcode!.label).toBe('wsflow run channel');
    expect(channels.contenders.engine!.label).toBe('wsflow run broadcast');
    expect(channels.notes).toContainEqual(expect.stringMatching(/^a channel delivery costs [\d.]+x a broadcast delivery/));
  });

  it('runs the channel fan-out on two instances over Redis when redis-server is installed', () => {
    const cluster = json.scenarios.find((s) => s.id === 'channels-cluster')!;
    if (!hasRedis) {
      expect(cluster.skipped.scenario).toMatch(/redis-server is not installed/);
      return;
    }
    expect(cluster.skipped).toEqual({});
    expectRow(cluster, 'lowcode', CHANNEL_RANGES);
  });

  it('measures memory per channel with full history, and a second fill does not grow it', () => {
    const history = json.scenarios.find((s) => s.id === 'channel-history')!;
    expect(history.skipped).toEqual({});
    // 100 kept envelopes of 245 B are 24 KiB at the least; ten times that would be a leak.
    expectRow(history, 'lowcode', { heapKbPerChannel: [20, 250], bytesPerEntry: [200, 2500], rssKbPerChannel: [0, 1e5], historySize: [100, 100] });
    const m = history.contenders.lowcode!.median;
    // The bound: refilling every channel replaces its history; growth far below the first fill.
    expect(m.secondFillKbPerChannel!).toBeLessThan(m.heapKbPerChannel! / 4);
    expect(history.notes).toContainEqual(expect.stringMatching(/worst case per channel is history\.size x the largest envelope/));
  });

  it('writes an SVG bar chart and a Markdown table', () => {
    const svg = readFileSync(join(out, 'bench.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const label of ['raw ws', 'wsflow run', 'wsflow export', 'Echo messages/s', 'Memory per idle connection']) expect(svg).toContain(label);
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThanOrEqual(CONTENDERS.length * 6);
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(md).toMatch(/\| contender \| msgs\/s \|/);
  });
});

interface BrokersJson {
  options: { clients: number; rounds: number; messages: number };
  results: { broker: string; error?: string; contenders: { contender: string; p50Ms: number; p99Ms: number; cpuUsPerDelivery: number; publishes: number }[] }[];
}

describe('npm run bench:brokers -- --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'wsflow-bench-brokers-test-'));
  let run: { code: number | null; out: string };
  let json: BrokersJson;
  // The throw-away brokers come from Debian packages (.ci/run installs them); test/helpers knows where.
  const binaries: Record<string, string> = {
    mqtt: process.env.MOSQUITTO ?? '/usr/sbin/mosquitto',
    nats: process.env.NATS_SERVER ?? '/usr/sbin/nats-server',
    amqp: join(process.env.RABBITMQ_BIN ?? '/usr/lib/rabbitmq/bin', 'rabbitmq-server'),
  };

  beforeAll(async () => {
    // RabbitMQ's first boot alone can take 25 s on a busy machine.
    run = await runBench(['--quick', '--json', join(out, 'brokers.json')], 240_000, 'bench:brokers');
    json = JSON.parse(readFileSync(join(out, 'brokers.json'), 'utf8')) as BrokersJson;
  }, 300_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures wsflow run, the export and the hand bridge for every installed broker, with a table of ratios', () => {
    expect(json.results.map((r) => r.broker)).toEqual(['mqtt', 'nats', 'amqp']);
    for (const result of json.results) {
      if (!existsSync(binaries[result.broker]!)) {
        expect(result.error, result.broker).toMatch(/apt-get install/);
        continue;
      }
      expect(result.error, result.broker).toBeUndefined();
      expect(result.contenders.map((c) => c.contender)).toEqual(['hand', 'run', 'export']);
      for (const c of result.contenders) {
        const where = `${result.broker}/${c.contender}`;
        expect(c.publishes, where).toBe(json.options.rounds * json.options.messages);
        expect(c.p50Ms, where).toBeGreaterThan(0);
        expect(c.p99Ms, where).toBeGreaterThanOrEqual(c.p50Ms);
        expect(c.p99Ms, where).toBeLessThan(10_000);
        // CPU is read in 10 ms ticks: a quick run's few deliveries may cost zero or one of them.
        expect(c.cpuUsPerDelivery, where).toBeGreaterThanOrEqual(0);
        expect(c.cpuUsPerDelivery, where).toBeLessThan(1e6);
      }
    }
    expect(run.code, run.out.slice(-3000)).toBe(Object.values(binaries).every((b) => existsSync(b)) ? 0 : 1);
    expect(run.out).toMatch(/\| contender \| time to all p50 \| ×hand \|/);
    expect(run.out).toMatch(/\| hand-written nats \+ ws \| [\d.]+ ms \| ×1\.00 \|/);
  });
});
