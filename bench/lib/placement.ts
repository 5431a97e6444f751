/**
 * Where the request/reply scenarios run: the server under test on core 0 and its load generator on
 * the other cores, when the machine has two or more and `taskset` (util-linux) is there.
 *
 * Why: on a small machine the scheduler otherwise moves the server's threads (the engine has two,
 * its main thread and the handler host) across the cores the load generator is using, and the
 * server's CPU per message then measures that contention as much as the server's code
 * (docs/benchmarks.md, "Round four"). Pinned, every contender gets one core to itself and the
 * generator never preempts it. `--no-pin` leaves placement to the scheduler.
 */
import { spawnSync } from 'node:child_process';

export interface Placement {
  /** taskset CPU lists */
  server: string;
  load: string;
}

let allowed: number[] | undefined;

/** The CPUs this process may run on (a container's cpuset may hide some), [] without taskset. */
function allowedCpus(): number[] {
  if (allowed) return allowed;
  const out = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  const list = out.status === 0 ? /:\s*([\d,-]+)\s*$/.exec(out.stdout)?.[1] : undefined;
  allowed = (list ?? '').split(',').filter(Boolean).flatMap((part) => {
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  });
  return allowed;
}

/** The placement to use, or why there is none (then the scheduler places everything). */
export function requestReplyPlacement(pin: boolean): Placement | { none: string } {
  if (!pin) return { none: 'placement left to the scheduler (--no-pin)' };
  const [first, ...rest] = allowedCpus();
  if (first === undefined) return { none: 'taskset not available: placement left to the scheduler' };
  if (rest.length === 0) return { none: 'one core: nothing to pin' };
  return { server: String(first), load: rest.join(',') };
}

/** Moves every thread of a running process onto `cpus` (threads it starts later inherit it). */
export function pinProcess(pid: number, cpuList: string): void {
  const result = spawnSync('taskset', ['-a', '-cp', cpuList, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -a -cp ${cpuList} ${pid}: ${(result.stderr || 'failed').trim()}`);
}

/** The command and arguments that start `command args` on `cpus`. */
export function onCpus(cpuList: string, command: string, args: string[]): [string, string[]] {
  return ['taskset', ['-c', cpuList, command, ...args]];
}

export function describePlacement(placement: Placement | { none: string }): string {
  return 'none' in placement ? placement.none : `server pinned to core ${placement.server}, load generator to core(s) ${placement.load} (taskset; --no-pin to let the scheduler place them)`;
}
