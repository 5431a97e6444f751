/**
 * `npm run bench [-- options]`: every scenario against every contender in one run, alternating,
 * medians printed as a table and written as JSON + SVG.
 *
 *   --quick              each scenario briefly, one round (CI keeps the harness tested)
 *   --rounds N           rounds per scenario (default 3; 1 with --quick)
 *   --scenarios a,b      echo, echo-raw, fanout, connections, snippet, large, large-raw, deflate, cluster,
 *                        channels, channels-cluster, channel-history
 *                        (default: all; the -raw ones drive the load with bench/load/raw-client.ts)
 *   --contenders a,b     raw, engine, export, nodered, lowcode (default: all; lowcode serves
 *                        the low-code twin of a flow, so far echo only)
 *   --write              write latest.json, latest.md (bench/results/) and docs/bench.svg, the
 *                        committed results; only a full run may (not with --quick)
 *   --out DIR            write latest.json, latest.md and bench.svg into DIR instead
 *   (neither: the table is printed and nothing is written, so a trial run never replaces
 *   the committed figures)
 *   --setup              only install Node-RED into the scratch folder, then exit
 *   --no-install         never install Node-RED: without it, that contender is skipped (npm test)
 *   --pin                echo and snippet: the server on one core, its load generator on the
 *                        others (default: the scheduler places them; bench/lib/placement.ts)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { allContenders, CONTENDER_IDS, type ContenderId } from './contenders/index.ts';
import { ensureNodeRed } from './contenders/nodered.ts';
import { killAllNow, REPO_ROOT } from './lib/proc.ts';
import { describePlacement, requestReplyPlacement } from './lib/placement.ts';
import { checkTargets, renderMarkdown, renderTargets, renderText } from './report/table.ts';
import { renderSvg } from './report/svg.ts';
import { runScenario, type ScenarioResult } from './runner.ts';
import { clusterScenario } from './scenarios/cluster.ts';
import { channelHistoryScenario } from './scenarios/channel-history.ts';
import { channelsClusterScenario, channelsScenario } from './scenarios/channels.ts';
import { runRows } from './scenarios/rows.ts';
import { connectionsScenario, connectionTarget } from './scenarios/connections.ts';
import { echoRawScenario, echoScenario, snippetScenario } from './scenarios/echo.ts';
import { largeRawScenario, largeScenario } from './scenarios/large.ts';
import { deflateScenario } from './scenarios/deflate.ts';
import { fanoutBoundNotes, fanoutClients, fanoutScenario } from './scenarios/fanout.ts';
import type { RunContext } from './scenarios/types.ts';

const SCENARIOS = [echoScenario, echoRawScenario, fanoutScenario, connectionsScenario, snippetScenario, largeScenario, largeRawScenario, deflateScenario];
/** Scenarios with rows of their own (bench/scenarios/rows.ts), run after the others. */
const ROW_SCENARIOS = [clusterScenario, channelsScenario, channelsClusterScenario, channelHistoryScenario];
/** Two-instance runs start a Redis and two servers per run: at most this many rounds. */
const TWO_INSTANCE_ROUNDS = 2;
const SCENARIO_IDS = [...SCENARIOS.map((s) => s.id), ...ROW_SCENARIOS.map((s) => s.id)];

interface Args {
  quick: boolean;
  rounds: number;
  scenarios: string[];
  contenders: ContenderId[];
  out?: string;
  /** write the committed results (bench/results/, docs/bench.svg) */
  write: boolean;
  setup: boolean;
  install: boolean;
  pin: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, rounds: 0, scenarios: SCENARIO_IDS, contenders: [...CONTENDER_IDS], write: false, setup: false, install: true, pin: false };
  const list = (value: string | undefined, allowed: readonly string[], flag: string) => {
    const items = (value ?? '').split(',').filter(Boolean);
    const bad = items.filter((i) => !allowed.includes(i));
    if (items.length === 0 || bad.length > 0) throw new Error(`${flag}: expected a comma list of ${allowed.join(', ')}; got "${value ?? ''}"`);
    return items;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--setup') args.setup = true;
    else if (a === '--no-install') args.install = false;
    else if (a === '--pin') args.pin = true;
    else if (a === '--write') args.write = true;
    else if (a === '--rounds') {
      args.rounds = Number(argv[++i]);
      if (!Number.isInteger(args.rounds) || args.rounds < 1 || args.rounds > 20) throw new Error('--rounds: expected an integer from 1 to 20');
    } else if (a === '--scenarios') args.scenarios = list(argv[++i], SCENARIO_IDS, a);
    else if (a === '--contenders') args.contenders = list(argv[++i], CONTENDER_IDS, a) as ContenderId[];
    else if (a === '--out') {
      args.out = argv[++i];
      if (!args.out) throw new Error('--out: expected a folder');
    } else throw new Error(`unknown option ${a} (see bench/main.ts for the options)`);
  }
  if (args.rounds === 0) args.rounds = args.quick ? 1 : 3;
  if (args.write && args.quick) throw new Error('--write: a --quick run is not for comparison and does not replace the committed results (use --out DIR)');
  if (args.write && args.out) throw new Error('--write and --out: choose one');
  return args;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    console.error(`wsflow-bench: ${(error as Error).message}`);
    return 2;
  }
  const t0 = performance.now();
  // Every line carries the seconds since start, so a slow phase is easy to spot.
  const log = (line: string) => console.log(line.startsWith('\n') || line === '' ? line : `[${String(Math.round((performance.now() - t0) / 1000)).padStart(3)}s] ${line}`);
  if (args.setup) {
    log(`Node-RED ${await ensureNodeRed(log)} ready`);
    return 0;
  }
  const startedAt = new Date();
  const loadavgAtStart = loadavg();
  const ctx: RunContext = { quick: args.quick, pin: args.pin, log };
  const contenders = allContenders().filter((c) => args.contenders.includes(c.id));
  log(`wsflow bench${args.quick ? ' --quick' : ''}: ${args.rounds} round(s), ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg()[0]!.toFixed(2)}`);
  for (const c of contenders) {
    await c.prepare(log, { install: args.install });
    log(`  ${c.label.padEnd(14)} ${c.unavailable ? `skipped: ${c.unavailable}` : c.version}`);
  }

  const results: ScenarioResult[] = [];
  /** Writes the results where asked (--write, --out); returns the files written. */
  const save = (complete: boolean): string[] => {
    const seconds = (performance.now() - t0) / 1000;
    const subtitle = `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores, Node ${process.version}, ${args.rounds} round(s)${args.quick ? ', --quick (not for comparison)' : ''}${complete ? '' : ', INCOMPLETE'}`;
    const targets = checkTargets(results);
    const json = {
      tool: 'wsflow-bench',
      version: 1,
      complete,
      startedAt: startedAt.toISOString(),
      seconds,
      quick: args.quick,
      rounds: args.rounds,
      pin: args.pin,
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtStart, loadavgAtEnd: loadavg() },
      contenders: Object.fromEntries(contenders.map((c) => [c.id, { label: c.label, version: c.version, unavailable: c.unavailable }])),
      scenarios: results,
      targets,
    };
    if (!args.write && args.out === undefined) return [];
    const jsonDir = args.out ?? join(REPO_ROOT, 'bench', 'results');
    const svgDir = args.out ?? join(REPO_ROOT, 'docs');
    mkdirSync(jsonDir, { recursive: true });
    mkdirSync(svgDir, { recursive: true });
    writeFileSync(join(jsonDir, 'latest.json'), `${JSON.stringify(json, replacer, 2)}\n`);
    writeFileSync(join(jsonDir, 'latest.md'), `${results.map(renderMarkdown).join('\n\n')}\n\n\`\`\`\n${renderTargets(targets)}\n\`\`\`\n`);
    writeFileSync(join(svgDir, 'bench.svg'), renderSvg(results, subtitle));
    return [join(jsonDir, 'latest.json'), join(jsonDir, 'latest.md'), join(svgDir, 'bench.svg')];
  };
  // The bench stops by itself whatever a contender does, keeping what it measured so far.
  const deadlineMs = args.quick ? 8 * 60_000 : 30 * 60_000;
  const deadline = setTimeout(() => {
    console.error(`wsflow-bench: stopped after ${deadlineMs / 60_000} minutes (global deadline); partial results saved`);
    killAllNow();
    save(false);
    process.exit(1);
  }, deadlineMs);
  deadline.unref();

  for (const def of SCENARIOS.filter((s) => args.scenarios.includes(s.id))) {
    log(`\n== ${def.title}`);
    const result = await runScenario(def, contenders, args.rounds, ctx);
    const conn = connectionTarget(args.quick);
    if (def.id === 'connections' && conn.note) result.notes.push(conn.note);
    if (def.id === 'connections' && args.quick) result.notes.push(`--quick: ${conn.count} connections`);
    if (def.id === 'fanout' && args.quick) result.notes.push(`--quick: ${fanoutClients(true)} clients`);
    if (def.id === 'fanout') result.notes.push(...fanoutBoundNotes(result));
    if (def.id === 'echo' || def.id === 'snippet') result.notes.push(describePlacement(requestReplyPlacement(args.pin)));
    result.notes.push(`load average ${loadavg()[0]!.toFixed(1)} at the end (2 cores: above 2 means other work competed)`);
    results.push(result);
    log(`\n${renderText(result)}`);
    save(false);
  }
  for (const def of ROW_SCENARIOS.filter((s) => args.scenarios.includes(s.id))) {
    log(`\n== ${def.title}`);
    const result = await runRows(def, contenders, def.instances === 2 ? Math.min(args.rounds, TWO_INSTANCE_ROUNDS) : args.rounds, ctx, results);
    result.notes.push(`load average ${loadavg()[0]!.toFixed(1)} at the end (2 cores: above 2 means other work competed)`);
    results.push(result);
    log(`\n${renderText(result)}`);
    save(false);
  }

  log(`\n${renderTargets(checkTargets(results))}`);
  const files = save(true);
  const wrote = files.length > 0 ? `wrote ${files.join(', ')}` : 'results not written (--write updates bench/results/ and docs/bench.svg, --out DIR writes elsewhere)';
  log(`\nfinished in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${wrote}`);
  clearTimeout(deadline);
  killAllNow();
  return 0;
}

/** JSON has no Infinity/NaN: write them as null. */
function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

process.on('SIGINT', () => {
  killAllNow();
  process.exit(130);
});
process.on('SIGTERM', () => {
  killAllNow();
  process.exit(143);
});
