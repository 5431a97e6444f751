/**
 * Where an idle connection's memory goes: the bench's `connections` scenario (a fresh server,
 * 2 load processes opening COUNT connections with 100 handshakes in flight each, RSS growth after
 * 1.5 s of settling) with the growth split by kind of mapping, read from /proc/PID/smaps before
 * and after. Not part of the test run or `npm run bench`:
 *
 *   node --import tsx bench/measure/measure-conn-memory.ts [--modes raw,engine,export] [--count 10000]
 *        [--rounds 1] [--warmup 0] [--env KEY=VALUE]...
 *
 * `--warmup N` first opens N connections and closes them again (as the bench's scenario does), so that what a fresh process
 * pays once (optimizing the accept path, the first growth of thread arenas and heaps) is not
 * divided among the measured connections.
 * `--env` adds an environment variable to the server under test only (e.g. MALLOC_ARENA_MAX=2 or
 * NODE_OPTIONS=--max-semi-space-size=2), for A/B runs. Kinds of mapping:
 *   v8-pages    anonymous 256 KiB mappings: V8 heap pages of every isolate (main thread and workers)
 *   anon-other  other anonymous mappings: glibc arenas of threads other than the main one, V8
 *               large objects (e.g. a hash table of 10,000 entries)
 *   [heap]      the main thread's malloc arena (brk)
 *   file        file-backed pages, mostly the node binary's code being touched for the first time
 * Round seven of docs/benchmarks.md used it (single runs spread by about ±0.3 KiB per connection).
 */
import { readFileSync } from 'node:fs';
import { allContenders, type ContenderId } from '../contenders/index.ts';
import { loadGeneratorScript } from '../lib/build.ts';
import { sleep, spawnTracked } from '../lib/proc.ts';
import { sampleProcess } from '../lib/procstat.ts';
import { warmUp } from '../scenarios/connections.ts';
import type { OpenResult } from '../load/conn-load.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const modes = opt('modes', 'raw,engine,export').split(',') as ContenderId[];
const count = Number(opt('count', '10000'));
const rounds = Number(opt('rounds', '1'));
const warmup = Number(opt('warmup', '0'));
const serverEnv: Record<string, string> = {};
args.forEach((a, i) => {
  if (a !== '--env') return;
  const [key, ...value] = (args[i + 1] ?? '').split('=');
  if (!key || value.length === 0) throw new Error(`--env: expected KEY=VALUE, got "${args[i + 1] ?? ''}"`);
  serverEnv[key] = value.join('=');
});

const V8_PAGE_KB = 256;
type Kind = 'v8-pages' | 'anon-other' | '[heap]' | 'file' | 'other';

/** Resident kB per kind of mapping. */
function smapsByKind(pid: number): Record<Kind, number> {
  const out: Record<Kind, number> = { 'v8-pages': 0, 'anon-other': 0, '[heap]': 0, file: 0, other: 0 };
  let kind: Kind = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const kb = (parseInt(head[2]!, 16) - parseInt(head[1]!, 16)) / 1024;
      const name = head[3]!.trim();
      kind = name === '[heap]' ? '[heap]' : name.startsWith('[') ? 'other' : name ? 'file' : kb === V8_PAGE_KB ? 'v8-pages' : 'anon-other';
    } else if (line.startsWith('Rss:')) out[kind] += Number(line.split(/\s+/)[1]);
  }
  return out;
}

const contenders = new Map(allContenders().map((c) => [c.id, c]));
for (const id of modes) {
  const c = contenders.get(id);
  if (!c) throw new Error(`--modes: unknown contender "${id}"`);
  await c.prepare(() => undefined, { install: false });
  if (c.unavailable) throw new Error(`${id}: ${c.unavailable}`);
}
const script = await loadGeneratorScript('conn-load');
const perProcess = Math.ceil(count / 2);

for (let round = 1; round <= rounds; round++) {
  for (const id of modes) {
    const server = await contenders.get(id)!.start('echo', { env: serverEnv });
    if (warmup > 0) await warmUp(script, server.url, warmup);
    const loads = [0, 1].map(() =>
      spawnTracked(process.execPath, [script, JSON.stringify({ url: server.url, count: perProcess, concurrency: 100 })], { raiseFdLimit: true }),
    );
    try {
      for (const load of loads) await load.nextJson(30_000, 'connection clients');
      await sleep(1500);
      const before = sampleProcess(server.pid);
      const mapsBefore = smapsByKind(server.pid);
      for (const load of loads) load.send({ cmd: 'open' });
      const results = await Promise.all(loads.map((l) => l.nextJson<OpenResult>(90_000, 'opening connections')));
      const opened = results.reduce((sum, r) => sum + r.opened, 0);
      await sleep(1500);
      const after = sampleProcess(server.pid);
      const mapsAfter = smapsByKind(server.pid);
      const split = (Object.keys(mapsAfter) as Kind[])
        .map((k) => `${k} ${((mapsAfter[k] - mapsBefore[k]) / 1024).toFixed(1)}`)
        .join(', ');
      process.stdout.write(
        `round ${round} ${id.padEnd(7)} ${((after.rssKb - before.rssKb) / opened).toFixed(2)} KiB/conn (${opened} open, RSS ${Math.round(before.rssKb / 1024)} -> ${Math.round(after.rssKb / 1024)} MiB); growth MiB: ${split}\n`,
      );
    } finally {
      for (const load of loads) load.send({ cmd: 'exit' });
      await server.stop();
      await Promise.all(loads.map((l) => l.kill()));
    }
  }
}
process.exit(0);
