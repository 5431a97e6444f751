/**
 * A/B of the engine's echo CPU per message between two checkouts, for a loaded, shared machine:
 * in each pair both servers (and their load generators) run AT THE SAME TIME, so they see the
 * same machine; the pair's ratio B/A is kept, and the median of the ratios is reported. The
 * order of starting alternates per pair. Not part of the test run:
 *
 *   node --import tsx bench/measure/measure-ab.ts --a /tmp/base --b . [--pairs 12] [--seconds 3] [--clients 32] [--mode engine-notrace]
 *
 * Each checkout's own measure-echo.ts (bench/measure/, or test/engine/ in checkouts before the move) serves and loads (its `server` and `load` roles).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : def;
};
const dirs = { a: path.resolve(opt('a', '.')), b: path.resolve(opt('b', '.')) };
const pairs = Number(opt('pairs', '12'));
const seconds = Number(opt('seconds', '3'));
const clients = Number(opt('clients', '32'));
const mode = opt('mode', 'engine-notrace');

function lines(child: ChildProcess, onLine: (l: string) => void): void {
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function one(dir: string): Promise<{ usPerMsg: number; rate: number }> {
  const moved = path.join(dir, 'bench/measure/measure-echo.ts');
  const script = existsSync(moved) ? moved : path.join(dir, 'test/engine/measure-echo.ts');
  const srv = spawn(process.execPath, ['--import', 'tsx', script, 'server', mode], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const [port, route] = await new Promise<[string, string]>((resolve) =>
    lines(srv, (l) => {
      const m = /^PORT (\d+) (\S+)/.exec(l);
      if (m) resolve([m[1] as string, m[2] as string]);
    }),
  );
  const gen = spawn(process.execPath, ['--import', 'tsx', script, 'load', port, route, String(clients), String(seconds)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let t0 = 0;
  const r = await new Promise<{ msgs: number; ms: number; ticks: number }>((resolve) =>
    lines(gen, (l) => {
      if (l === 'START') t0 = ticks(srv.pid as number);
      const m = /^END (\d+) (\d+)/.exec(l);
      if (m) resolve({ msgs: Number(m[1]), ms: Number(m[2]), ticks: ticks(srv.pid as number) - t0 });
    }),
  );
  srv.kill('SIGKILL');
  return { usPerMsg: ((r.ticks / 100) * 1e6) / Math.max(1, r.msgs), rate: (r.msgs / r.ms) * 1000 };
}

const median = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const ratios: number[] = [];
const as: number[] = [];
const bs: number[] = [];
for (let i = 0; i < pairs; i++) {
  const [first, second] = i % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
  const results = await Promise.all([one(dirs[first]), one(dirs[second])]);
  const a = first === 'a' ? results[0] : results[1];
  const b = first === 'a' ? results[1] : results[0];
  ratios.push(b.usPerMsg / a.usPerMsg);
  as.push(a.usPerMsg);
  bs.push(b.usPerMsg);
  process.stdout.write(`pair ${i + 1}: A ${a.usPerMsg.toFixed(1)} us/msg (${a.rate.toFixed(0)} msg/s)  B ${b.usPerMsg.toFixed(1)} us/msg (${b.rate.toFixed(0)} msg/s)  B/A ${(b.usPerMsg / a.usPerMsg).toFixed(3)}\n`);
}
process.stdout.write(`mode=${mode} clients=${clients} seconds=${seconds} pairs=${pairs}\nmedian A ${median(as).toFixed(1)} us/msg, median B ${median(bs).toFixed(1)} us/msg, median of pair ratios B/A ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})\n`);
