/**
 * Server cost read from the kernel: CPU time and resident memory of a process and its
 * descendants. `/proc/PID/stat` already sums every thread of a process (the engine's handler
 * host is a worker thread), descendants are added in case a contender forks helpers.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;
const PAGE_KB = 4;

interface StatLine {
  pid: number;
  ppid: number;
  /** utime + stime in ticks */
  cpuTicks: number;
  sysTicks: number;
  rssPages: number;
}

function readStat(pid: number): StatLine | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  return {
    pid,
    ppid: Number(rest[1]),
    cpuTicks: Number(rest[11]) + Number(rest[12]),
    sysTicks: Number(rest[12]),
    rssPages: Number(rest[21]),
  };
}

/** The process and every descendant alive now. */
export function processTree(rootPid: number): StatLine[] {
  const root = readStat(rootPid);
  if (!root) return [];
  const children = new Map<number, StatLine[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const line = readStat(Number(name));
    if (!line) continue;
    const list = children.get(line.ppid) ?? [];
    list.push(line);
    children.set(line.ppid, list);
  }
  const out: StatLine[] = [];
  const queue = [root];
  // Bounded walk: a process tree of a server is small; guard against a pid-reuse cycle anyway.
  while (queue.length > 0 && out.length < 1000) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return out;
}

export interface ProcSample {
  /** CPU seconds (user + system) of the tree since it started. */
  cpuSeconds: number;
  /** The kernel's share of cpuSeconds (socket writes on loopback include the receiver's TCP path). */
  sysSeconds: number;
  rssKb: number;
  /** When sampled, ms (performance.now of the sampling process). */
  at: number;
}

export function sampleProcess(rootPid: number): ProcSample {
  let ticks = 0;
  let sys = 0;
  let pages = 0;
  for (const line of processTree(rootPid)) {
    ticks += line.cpuTicks;
    sys += line.sysTicks;
    pages += line.rssPages;
  }
  return { cpuSeconds: ticks / TICKS_PER_SECOND, sysSeconds: sys / TICKS_PER_SECOND, rssKb: pages * PAGE_KB, at: performance.now() };
}

/** CPU microseconds per unit of work between two samples. */
export function cpuMicrosPer(before: ProcSample, after: ProcSample, units: number): number {
  if (units <= 0) return Number.NaN;
  return ((after.cpuSeconds - before.cpuSeconds) * 1e6) / units;
}
