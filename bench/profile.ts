/**
 * Where does the server's time go? Runs one contender's server under `node --cpu-prof` with the
 * echo (or snippet) load for a few seconds and prints the top functions by self time per thread
 * (the engine's handler host is a worker thread with its own profile).
 *
 *   node --import tsx bench/profile.ts [engine|export|raw] [echo|snippet] [seconds]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOWS, type FlowKey } from './contenders/index.ts';
import { loadGeneratorScript } from './lib/build.ts';
import { freePort, killAllNow, REPO_ROOT, sleep, spawnTracked } from './lib/proc.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** µs on the machine's monotonic clock, like process.hrtime */
  startTime: number;
  timeDeltas: number[];
}

const [contender = 'engine', flow = 'echo', secondsArg = '5'] = process.argv.slice(2);
if (!['engine', 'export', 'raw'].includes(contender) || !['echo', 'snippet'].includes(flow)) {
  console.error('usage: node --import tsx bench/profile.ts [engine|export|raw] [echo|snippet] [seconds]');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'wsflow-bench-prof-'));
const flowKey = flow as FlowKey;
const flowFile = join(REPO_ROOT, FLOWS[flowKey].file);
const profFlags = ['--cpu-prof', '--cpu-prof-dir', dir];

async function startServer(): Promise<{ pid: number; url: string; stop(): Promise<void> }> {
  let args: string[];
  let port = 0;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (contender === 'engine') args = [...profFlags, '--import', 'tsx', join(REPO_ROOT, 'bench', 'servers', 'engine-server.ts'), flowFile];
  else if (contender === 'raw') args = [...profFlags, join(REPO_ROOT, 'bench', 'servers', 'raw-ws.mjs')];
  else {
    const out = join(dir, 'export');
    const { exportFlow } = await import('../runtime/export/index.ts');
    const { parseFlow } = await import('../runtime/model/parse.ts');
    await exportFlow(parseFlow(readFileSync(flowFile, 'utf8'), flowFile).flow!, { outDir: out, force: true });
    port = await freePort();
    env.PORT = String(port);
    args = [...profFlags, join(out, 'server.mjs')];
  }
  const proc = spawnTracked(process.execPath, args, { env });
  const match = await proc.waitForLine(/ws:\/\/127\.0\.0\.1:(\d+)/, 30_000, 'server start');
  return { pid: proc.pid, url: `ws://127.0.0.1:${match[1]}${FLOWS[flowKey].path}`, stop: () => proc.kill() };
}

/** Self time per function, counting only samples inside the measured window (not start-up). */
function summarize(file: string, windowUs: [number, number]): string {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < windowUs[0] || t > windowUs[1]) continue;
    const frame = byId.get(profile.samples[i]!)!.callFrame;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|runtime|bench)\//, '$1/').replace(/^file:\/\//, '')}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + 1);
    total++;
  }
  const idle = (self.get('(idle)') ?? 0) / total;
  const top = [...self.entries()].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 25);
  return [`${file}: ${total} samples, ${(idle * 100).toFixed(0)}% idle; top self time (share of busy samples):`, ...top.map(([k, n]) => `  ${((n / (total * (1 - idle))) * 100).toFixed(1).padStart(5)}%  ${k}`)].join('\n');
}

const server = await startServer();
const load = spawnTracked(process.execPath, [
  await loadGeneratorScript('echo-load'),
  JSON.stringify({ url: server.url, clients: 100, warmupMs: 500, durationMs: Number(secondsArg) * 1000, payload: flowKey === 'snippet' ? 'json' : 'echo', serverPid: server.pid }),
]);
console.log(JSON.stringify(await load.nextJson(Number(secondsArg) * 1000 + 30_000, 'load')));
const windowEnd = Number(process.hrtime.bigint() / 1000n);
const windowUs: [number, number] = [windowEnd - Number(secondsArg) * 1e6 + 200_000, windowEnd - 100_000];
await load.kill();
// SIGTERM lets the server exit normally, which is when V8 writes the profiles.
await server.stop();
await sleep(500);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) console.log(`\n${summarize(file, windowUs)}`);
console.log(`\nprofiles in ${dir} (open in Chrome DevTools > Performance)`);
killAllNow();
