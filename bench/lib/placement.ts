/**
 * `--pin`: where the request/reply scenarios run. Pinned, the server under test gets the first
 * core this process may use and its load generator the others (`taskset`, util-linux), when there
 * are two or more.
 *
 * Why it exists: on a small machine the scheduler moves the server's threads (the engine has two,
 * its main thread and the handler host) across the cores the load generator is using, and the
 * server's CPU per message then measures that contention as much as the server's code
 * (docs/benchmarks.md, "Round four"). Why it is not the default: pinned, the engine's two threads
 * share one core and lose the parallelism a deployment gives them, so messages/s no longer
 * compare; unpinned is how every earlier result was measured.
 */
import { spawnSync } from 'node:child_process';

export interface Placement {
  /** taskset CPU lists */
  server: string;
  load: string;
}

let allowed: number[] | undefined;

/** The CPUs this process may run on (a container's cpuset may hide some), [] without taskset. */
export function allowedCpus(): number[] {
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
  if (!pin) return { none: 'placement left to the scheduler (--pin puts the server and its load generator on separate cores)' };
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
  return 'none' in placement ? placement.none : `server pinned to core ${placement.server}, load generator to core(s) ${placement.load} (--pin, taskset)`;
}
