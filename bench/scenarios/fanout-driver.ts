/**
 * Drives a broadcast fan-out measurement: receiving clients spread over load-generator processes
 * (the first one also sends), a moderate-rate phase for time-to-all and CPU per delivery, then
 * rate steps (doubling) until delivery falls behind, then a geometric bisection between the last
 * sustained rate and the first that fell behind. At the first step that fell behind it records
 * how busy the load processes and the whole machine were, so the result can say whether the
 * limit found is the server's or the load generator's. Reused by the two-instance Redis scenario
 * and the channel scenarios (the load generator reads a channel envelope as well as a bare text).
 * Latency is reported two ways: time until every client had a message (the slowest delivery of
 * each), and publish-to-delivery over every single delivery.
 */
import { cpus } from 'node:os';
import type { FanoutCommand, ReportResult, SendResult } from '../load/fanout-load.ts';
import { sleep, spawnTracked, type Spawned } from '../lib/proc.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import { sampleProcess } from '../lib/procstat.ts';
import { histogramPercentileMs, percentile } from '../lib/stats.ts';
import type { Measurement } from './types.ts';

export interface FanoutOptions {
  /** Clients connect round-robin over these URLs; the sender uses the first. */
  urls: string[];
  clients: number;
  serverPids: number[];
  quick: boolean;
  log: (line: string) => void;
}

interface Plan {
  loadProcesses: number;
  moderateRate: number;
  moderateMs: number;
  startRate: number;
  factor: number;
  stepMs: number;
  maxSteps: number;
  /** bisection steps between the last sustained and the first behind rate */
  refineSteps: number;
  graceMs: number;
}

function plan(quick: boolean): Plan {
  return quick
    ? { loadProcesses: 2, moderateRate: 10, moderateMs: 1000, startRate: 10, factor: 4, stepMs: 600, maxSteps: 3, refineSteps: 0, graceMs: 1000 }
    : { loadProcesses: 2, moderateRate: 10, moderateMs: 3000, startRate: 10, factor: 2, stepMs: 1000, maxSteps: 7, refineSteps: 3, graceMs: 600 };
}

/** CPU time of the whole machine (every process, ours or not), in ms summed over cores. */
function machineTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** A load process this busy (share of one core) at the limit is itself the bound. */
export const LOAD_BOUND_SHARE = 0.9;

/** Delivery counts at most this far behind, and 90% of messages at everyone within this. */
const SUSTAINED_DELIVERED = 0.99;
const SUSTAINED_P90_MS = 500;

interface Phase {
  sent: number;
  expected: number;
  delivered: number;
  deliveriesPerSec: number;
  /** Time until every client had the message, per message (Infinity when someone never got it). */
  timeToAllMs: number[];
  /** Every delivery's latency, bucketed, summed over the load processes. */
  deliveryBuckets: number[];
  /** share of one core used by the busiest load process; share of the whole machine busy (any process) */
  loadBusy: number;
  machineBusy: number;
}

export async function runFanout(options: FanoutOptions): Promise<Measurement> {
  const p = plan(options.quick);
  const loads: Spawned[] = [];
  const script = await loadGeneratorScript('fanout-load');
  try {
    for (let i = 0; i < p.loadProcesses; i++) {
      const share = Math.floor(options.clients / p.loadProcesses) + (i < options.clients % p.loadProcesses ? 1 : 0);
      // Shift the URL list per process so each instance gets its share of every process.
      const urls = options.urls.map((_, k) => options.urls[(k + i) % options.urls.length]!);
      loads.push(spawnTracked(process.execPath, [script, JSON.stringify({ url: urls[0], urls, clients: share })]));
    }
    for (const load of loads) {
      const ready = await load.nextJson<{ ready?: boolean; error?: string }>(60_000, 'fan-out clients');
      if (!ready.ready) throw new Error(`fan-out clients: ${ready.error ?? 'not ready'}`);
    }
    const [sender] = loads as [Spawned];
    let seq = 1;

    const ask = <T>(load: Spawned, command: FanoutCommand, timeoutMs: number) => {
      load.send(command);
      return load.nextJson<T>(timeoutMs, `fan-out ${command.cmd}`);
    };
    const phase = async (rate: number, durationMs: number): Promise<Phase> => {
      const t0 = performance.now();
      const load0 = loads.map((l) => sampleProcess(l.pid).cpuSeconds);
      const machine0 = machineTimes();
      const sent = await ask<SendResult>(sender, { cmd: 'send', rate, durationMs, seqStart: seq }, durationMs * 3 + 10_000);
      const seconds = (performance.now() - t0) / 1000;
      const loadSeconds = loads.map((l, i) => sampleProcess(l.pid).cpuSeconds - (load0[i] as number));
      const loadBusy = Math.max(...loadSeconds) / seconds;
      const machine1 = machineTimes();
      const machineBusy = (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total);
      await sleep(p.graceMs);
      const reports = await Promise.all(loads.map((l) => ask<ReportResult>(l, { cmd: 'report', fromSeq: seq, toSeq: seq + sent.sent }, 30_000)));
      seq += sent.sent;
      const timeToAllMs: number[] = [];
      const deliveryBuckets = sumBuckets(reports);
      let delivered = 0;
      for (let k = 0; k < sent.sent; k++) {
        let count = 0;
        let max = 0;
        for (const r of reports) {
          count += r.counts[k]!;
          max = Math.max(max, r.maxMs[k]!);
        }
        delivered += count;
        timeToAllMs.push(count >= options.clients ? max : Number.POSITIVE_INFINITY);
      }
      const expected = sent.sent * options.clients;
      return { sent: sent.sent, expected, delivered, deliveriesPerSec: expected / (Math.max(sent.elapsedMs, durationMs) / 1000), timeToAllMs, deliveryBuckets, loadBusy, machineBusy };
    };
    // After a step that fell behind, let the backlog drain so it does not spoil the next step.
    const drain = async () => {
      let last = -1;
      for (let i = 0; i < 50; i++) {
        const reports = await Promise.all(loads.map((l) => ask<ReportResult>(l, { cmd: 'report', fromSeq: 0, toSeq: 0 }, 30_000)));
        const total = reports.reduce((sum, r) => sum + r.received, 0);
        if (total === last) return;
        last = total;
        await sleep(300);
      }
    };
    // Measure only once one message reached every client: a channel subscriber is subscribed when
    // its onOpen chain has run, a little after its socket opened. Bounded: 20 messages, 2 s each.
    const warmUp = async () => {
      let got = 0;
      for (let attempt = 0; attempt < 20; attempt++) {
        const probe = seq++;
        await ask<SendResult>(sender, { cmd: 'send', rate: 1, durationMs: 1, seqStart: probe }, 10_000);
        for (let poll = 0; poll < 20; poll++) {
          const reports = await Promise.all(loads.map((l) => ask<ReportResult>(l, { cmd: 'report', fromSeq: probe, toSeq: probe + 1 }, 30_000)));
          got = reports.reduce((sum, r) => sum + r.counts[0]!, 0);
          if (got >= options.clients) return;
          await sleep(100);
        }
      }
      throw new Error(`warm-up: a message reached only ${got} of ${options.clients} clients (are they all subscribed?)`);
    };
    await warmUp();
    const cpu = () => {
      const samples = options.serverPids.map((pid) => sampleProcess(pid));
      return { all: samples.reduce((sum, s) => sum + s.cpuSeconds, 0), sys: samples.reduce((sum, s) => sum + s.sysSeconds, 0) };
    };

    // Moderate, equal load for every contender: latency and CPU per delivery.
    const cpu0 = cpu();
    const loadCpu0 = loads.reduce((sum, l) => sum + sampleProcess(l.pid).cpuSeconds, 0);
    const moderate = await phase(p.moderateRate, p.moderateMs);
    const cpu1 = cpu();
    const cpuUsPerDelivery = ((cpu1.all - cpu0.all) * 1e6) / Math.max(1, moderate.delivered);
    // The clients' side of the same deliveries: tells whether the load generator is the limit.
    const loadCpu1 = loads.reduce((sum, l) => sum + sampleProcess(l.pid).cpuSeconds, 0);
    const loadCpuUsPerDelivery = ((loadCpu1 - loadCpu0) * 1e6) / Math.max(1, moderate.delivered);
    const sysUsPerDelivery = ((cpu1.sys - cpu0.sys) * 1e6) / Math.max(1, moderate.delivered);

    let best = 0;
    let bestRate = 0;
    let rate = p.startRate;
    let failedAt = 0;
    let atLimit: Phase | undefined;
    const sustained = (r: Phase) => r.delivered >= SUSTAINED_DELIVERED * r.expected && percentile(r.timeToAllMs, 90) <= SUSTAINED_P90_MS;
    const describe = (r: Phase, ok: boolean) =>
      `    ${rate} msg/s -> ${Math.round(r.deliveriesPerSec)} deliveries/s offered, ${((100 * r.delivered) / r.expected).toFixed(1)}% delivered, p90 time-to-all ${percentile(r.timeToAllMs, 90).toFixed(1)} ms, busiest load process ${(100 * r.loadBusy).toFixed(0)}% of a core${ok ? '' : ' (behind)'}`;
    for (let step = 0; step < p.maxSteps; step++) {
      const r = await phase(rate, p.stepMs);
      const ok = sustained(r);
      options.log(describe(r, ok));
      if (!ok) {
        failedAt = rate;
        atLimit = r;
        break;
      }
      if (r.deliveriesPerSec > best) [best, bestRate] = [r.deliveriesPerSec, rate];
      rate *= p.factor;
    }
    // Bisection (geometric) between the last sustained rate and the first that fell behind.
    if (failedAt > 0 && bestRate > 0) {
      let low = bestRate;
      let high = failedAt;
      for (let step = 0; step < p.refineSteps && high / low > 1.08; step++) {
        await drain();
        rate = Math.round(Math.sqrt(low * high));
        const r = await phase(rate, p.stepMs);
        const ok = sustained(r);
        options.log(describe(r, ok));
        if (ok) {
          low = rate;
          if (r.deliveriesPerSec > best) best = r.deliveriesPerSec;
        } else {
          high = rate;
          atLimit = r;
        }
      }
    }
    return {
      maxDeliveriesPerSec: best,
      timeToAllP50Ms: percentile(moderate.timeToAllMs, 50),
      timeToAllP99Ms: percentile(moderate.timeToAllMs, 99),
      deliveryP50Ms: histogramPercentileMs(moderate.deliveryBuckets, 50),
      deliveryP99Ms: histogramPercentileMs(moderate.deliveryBuckets, 99),
      cpuUsPerDelivery,
      sysUsPerDelivery,
      loadCpuUsPerDelivery,
      moderateDelivered: moderate.delivered / Math.max(1, moderate.expected),
      // -1: the search never fell behind (the limit is above the highest step)
      limitLoadBusy: atLimit ? atLimit.loadBusy : -1,
      limitMachineBusy: atLimit ? atLimit.machineBusy : -1,
    };
  } finally {
    for (const load of loads) load.send({ cmd: 'exit' });
    await Promise.all(loads.map((l) => l.kill()));
  }
}

function sumBuckets(reports: readonly ReportResult[]): number[] {
  const sum: number[] = [];
  for (const r of reports) r.latencyBuckets.forEach((n, i) => (sum[i] = (sum[i] ?? 0) + n));
  return sum;
}
