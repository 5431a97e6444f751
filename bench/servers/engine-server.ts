/**
 * Contender 2: the wsflow engine in the live-run configuration, as the studio runs it: the flow
 * parsed and compiled, `startFlow` on the embedded `ws` engine with metrics and connectors on, as
 * `wsflow run` starts it, and a trace subscriber that
 * consumes every event (the studio relays them to the browser; here they are counted, so the
 * cost measured is the engine's, not a terminal's).
 *
 * argv[2]: flow file. Env: PORT (default 0), REDIS_URL (cluster scenario, when the adapter exists),
 * WSFLOW_BENCH_HEAP=1 (the channel-history scenario: each `{"cmd":"heap"}` line on stdin runs a
 * full GC of this main thread, where the channel hub lives, and answers `{"heapUsedKb":N}`).
 * Prints `... listening on ws://127.0.0.1:PORT` once it accepts connections.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compileFlow, startFlow } from '../../runtime/engine/index.ts';
import type { ClusterAdapter, EngineOptions } from '../../runtime/engine/contracts.ts';
import { parseFlow } from '../../runtime/model/parse.ts';
import { createConnectors } from '../../runtime/connectors/index.ts';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: engine-server.ts FLOW_FILE\n');
  process.exit(2);
}
const parsed = parseFlow(readFileSync(file, 'utf8'), file);
if (!parsed.flow || parsed.problems.some((p) => p.severity === 'error')) {
  process.stderr.write(`${file}: ${parsed.problems.map((p) => `${p.line}:${p.col} ${p.message}`).join('; ')}\n`);
  process.exit(2);
}
const compiled = await compileFlow(parsed.flow);

// As `wsflow run` starts a flow: metrics on (GET /metrics) and connectors available.
const options: EngineOptions = { port: Number(process.env.PORT ?? 0), host: '127.0.0.1', metrics: true, connectors: createConnectors };
// The cluster scenario: the same adapter selection `wsflow run` uses (REDIS_URL), when present.
if (process.env.REDIS_URL) {
  const selectPath = new URL('../../runtime/engine/adapters/select.ts', import.meta.url);
  if (!existsSync(selectPath)) {
    process.stderr.write('REDIS_URL given but runtime/engine/adapters/select.ts is missing\n');
    process.exit(1);
  }
  const select = (await import(selectPath.href)) as { selectAdapter(flow: unknown, env: NodeJS.ProcessEnv): ClusterAdapter };
  options.adapter = select.selectAdapter(parsed.flow, process.env);
}
const running = await startFlow(compiled, options);

const counts: Record<string, number> = {};
running.subscribe((event) => {
  counts[event.kind] = (counts[event.kind] ?? 0) + 1;
});
process.stdout.write(`${parsed.flow.name} (engine, live run with trace subscriber) listening on ${running.url}\n`);

if (process.env.WSFLOW_BENCH_HEAP === '1') {
  // gc() without a node option (the contender's command line stays the one every scenario uses):
  // the flag exposes it to contexts made afterwards.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.includes('"heap"')) return;
    gc();
    process.stdout.write(`${JSON.stringify({ heapUsedKb: process.memoryUsage().heapUsed / 1024 })}\n`);
  });
}

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`trace events consumed: ${JSON.stringify(counts)}\n`);
  void running.stop({ drainTimeoutMs: 500 }).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
