/** Scraping `/metrics` in tests: fetch over real HTTP and parse with a Prometheus text parser. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PromFamily, PromSample } from 'parse-prometheus-text-format';
import { waitFor } from '../helpers/wait.ts';

export interface Scrape {
  status: number;
  contentType: string;
  text: string;
  families: PromFamily[];
}

/** The wsflow_ lines of a scrape (for failure messages; the process metrics are long). */
function ours(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.startsWith('wsflow_') && !l.includes('_bucket'))
    .join('\n');
}

export async function scrape(port: number): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, families: res.status === 200 ? parsePrometheusTextFormat(text) : [] };
}

export function family(s: Scrape, name: string): PromFamily {
  const f = s.families.find((x) => x.name === name);
  if (!f) throw new Error(`${name} is not in the scrape:\n${ours(s.text)}`);
  return f;
}

function matches(sample: PromSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => (sample.labels?.[k] ?? '') === v);
}

/** The value of one counter or gauge sample; undefined when no sample has these labels. */
export function value(s: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const sample = family(s, name).metrics.find((m) => matches(m, labels));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

/**
 * One histogram series: count, sum and cumulative buckets by `le`. The parser flattens every
 * series of a labelled histogram into one, so the series is cut out of the text (its label pairs
 * removed) and parsed on its own.
 */
export function histogram(s: Scrape, name: string, labels: Record<string, string>): { count: number; sum: number; buckets: Record<string, number> } | undefined {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const series = s.text
    .split('\n')
    .filter((l) => /^\w+\{/.test(l) && [`${name}_bucket{`, `${name}_sum{`, `${name}_count{`].some((p) => l.startsWith(p)) && pairs.every((p) => l.includes(p)))
    .map((l) => pairs.reduce((line, p) => line.replace(new RegExp(`,?${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), ''), l).replace('{,', '{').replace('{}', ''));
  if (series.length === 0) return undefined;
  const [parsed] = parsePrometheusTextFormat([`# TYPE ${name} histogram`, ...series, ''].join('\n'));
  const sample = parsed?.metrics[0];
  if (!sample) return undefined;
  const buckets: Record<string, number> = {};
  for (const [le, n] of Object.entries(sample.buckets ?? {})) buckets[le] = Number(n);
  return { count: Number(sample.count), sum: Number(sample.sum), buckets };
}

/** Scrape until `ready` holds (the handler host ships its counts every 250 ms); bounded. */
export async function scrapeUntil(port: number, ready: (s: Scrape) => boolean, what: string, ms = 10_000): Promise<Scrape> {
  let last: Scrape | undefined;
  const poll = async () => {
    last = await scrape(port);
    return ready(last) ? last : undefined;
  };
  try {
    return await waitFor(what, poll, ms, 50);
  } catch (error) {
    // A timeout is reported with the last scrape; a failed scrape as itself.
    if (!last || !String(error).includes('timed out after')) throw error;
    throw new Error(`/metrics never showed ${what} within ${ms} ms; last scrape:\n${ours(last.text)}`);
  }
}
