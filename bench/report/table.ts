/** The printed table, its Markdown twin, and the targets checked against the medians. */
import type { ContenderId } from '../contenders/index.ts';
import { formatValue, type ScenarioResult } from '../runner.ts';

const ORDER: ContenderId[] = ['raw', 'engine', 'lowcode', 'export', 'nodered'];

export function ratio(results: ScenarioResult[], scenario: string, key: string, a: ContenderId, b: ContenderId): number {
  const s = results.find((r) => r.id === scenario);
  const x = s?.contenders[a]?.median[key];
  const y = s?.contenders[b]?.median[key];
  return x !== undefined && y !== undefined && y !== 0 ? x / y : Number.NaN;
}

interface Table {
  head: string[];
  rows: string[][];
}

function scenarioTable(result: ScenarioResult): Table {
  const ratioMetrics = result.metrics.filter((m) => m.ratio);
  const head = ['contender', ...result.metrics.map((m) => m.label), ...ratioMetrics.map((m) => `${m.label} ×raw`), ...ratioMetrics.map((m) => `${m.label} ×Node-RED`)];
  const rows: string[][] = [];
  for (const id of ORDER) {
    const entry = result.contenders[id];
    if (!entry) continue;
    const runs = `${entry.runs.length}/${entry.runs.length + entry.errors.length}`;
    const values = result.metrics.map((m) => formatValue(entry.median[m.key], m.unit));
    const vsRaw = ratioMetrics.map((m) => fmtRatio(ratioOf(result, m.key, id, 'raw')));
    const vsRed = ratioMetrics.map((m) => (id === 'engine' || id === 'export' ? fmtRatio(ratioOf(result, m.key, id, 'nodered')) : ''));
    rows.push([`${entry.label} (${runs} runs)`, ...values, ...vsRaw, ...vsRed]);
  }
  return { head, rows };
}

function ratioOf(result: ScenarioResult, key: string, a: ContenderId, b: ContenderId): number {
  return ratio([result], result.id, key, a, b);
}

function fmtRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : '—';
}

export function renderText(result: ScenarioResult): string {
  const { head, rows } = scenarioTable(result);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [`${result.title} — medians of ${result.rounds} round(s)`, line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const [who, why] of Object.entries(result.skipped)) out.push(`  skipped ${who}: ${why}`);
  for (const [id, entry] of Object.entries(result.contenders)) for (const e of entry.errors) out.push(`  ${id} ${e}`);
  for (const note of result.notes) out.push(`  note: ${note}`);
  return out.join('\n');
}

export function renderMarkdown(result: ScenarioResult): string {
  const { head, rows } = scenarioTable(result);
  const out = [`### ${result.title}`, '', `| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
  for (const [who, why] of Object.entries(result.skipped)) out.push('', `Skipped ${who}: ${why}`);
  for (const note of result.notes) out.push('', `Note: ${note}`);
  return out.join('\n');
}

export interface TargetCheck {
  target: string;
  measured: number;
  limit: number;
  ok: boolean | undefined;
}

/** The targets of the benchmark issue, each as "ratio compared with a limit". */
export function checkTargets(results: ScenarioResult[]): TargetCheck[] {
  const specs: [string, string, string, ContenderId, ContenderId, 'max' | 'min', number][] = [
    ['engine CPU/echo msg vs raw ws', 'echo', 'cpuUsPerMsg', 'engine', 'raw', 'max', 1.2],
    ['export CPU/echo msg vs raw ws', 'echo', 'cpuUsPerMsg', 'export', 'raw', 'max', 1.1],
    ['engine echo msgs/s vs raw ws', 'echo', 'msgsPerSec', 'engine', 'raw', 'min', 0.85],
    ['export echo msgs/s vs raw ws', 'echo', 'msgsPerSec', 'export', 'raw', 'min', 0.9],
    ['engine echo msgs/s vs Node-RED', 'echo', 'msgsPerSec', 'engine', 'nodered', 'min', 1.7],
    ['engine CPU/echo msg vs Node-RED', 'echo', 'cpuUsPerMsg', 'engine', 'nodered', 'max', 0.6],
    ['engine max fan-out deliveries/s vs Node-RED', 'fanout', 'maxDeliveriesPerSec', 'engine', 'nodered', 'min', 1.5],
    ['engine memory/idle conn vs raw ws', 'connections', 'kbPerConnection', 'engine', 'raw', 'max', 1.3],
    ['export memory/idle conn vs raw ws', 'connections', 'kbPerConnection', 'export', 'raw', 'max', 1.3],
    // Issue 10: a chain compiles to the snippet a person would write, so it costs the same.
    ['low-code CPU/echo msg vs snippet echo', 'echo', 'cpuUsPerMsg', 'lowcode', 'engine', 'max', 1.05],
  ];
  return specs.map(([target, scenario, key, a, b, kind, limit]) => {
    const measured = ratio(results, scenario, key, a, b);
    const ok = Number.isFinite(measured) ? (kind === 'max' ? measured <= limit : measured >= limit) : undefined;
    return { target: `${target} ${kind === 'max' ? '<=' : '>='} ${limit}x`, measured, limit, ok };
  });
}

export function renderTargets(checks: TargetCheck[]): string {
  return [
    'Targets (issues 7 and 10):',
    ...checks.map((c) => `  ${c.ok === undefined ? 'n/a ' : c.ok ? 'MET ' : 'MISS'}  ${c.target.padEnd(58)} measured ${fmtRatio(c.measured)}`),
  ].join('\n');
}
