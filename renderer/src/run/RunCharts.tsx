/**
 * The run panel's charts: connections, messages per second in and out, and handler latency
 * (p50/p99) over the last five minutes, drawn with uPlot (small, canvas, bundled: works offline).
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './run.css';
import { useRunMetrics, type RunSeries } from './run-metrics.ts';
import { ChannelsRun } from './ChannelsRun.tsx';

interface Line {
  label: string;
  color: string;
  values: (s: RunSeries) => (number | null)[];
}

interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  lines: Line[];
  /** the latest values as text (headline above the chart) */
  headline: (s: RunSeries) => string;
}

/** Theme colors are CSS variables; a canvas needs them resolved. */
function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const AXIS_FONT = '11px system-ui, sans-serif';
/** Clear space between two time labels, in CSS pixels. */
const LABEL_GAP = 16;
let timeLabelWidth: number | undefined;

/**
 * The x axis' minimum distance between ticks: one time label, as wide as this locale draws it
 * (`10:02:40 PM` is wider than `22:02:40`), plus a gap. uPlot's default (50 px) is narrower than a
 * label, so a chart of a few seconds drew its labels into each other.
 */
function timeTickSpace(): number {
  if (timeLabelWidth === undefined) {
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return 90;
    ctx.font = AXIS_FONT;
    // Every hour of a day with wide digits: the widest label this locale's clock can draw.
    const widths = Array.from({ length: 24 }, (_, hour) => ctx.measureText(clock.format(new Date(2020, 0, 1, hour, 48, 48))).width);
    timeLabelWidth = Math.ceil(Math.max(...widths));
  }
  return timeLabelWidth + LABEL_GAP;
}
const last = <T,>(values: T[]): T | undefined => values[values.length - 1];
const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v < 1 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`);

const CHARTS: ChartSpec[] = [
  {
    id: 'connections',
    title: 'Connections',
    unit: '',
    lines: [{ label: 'open', color: '--service', values: (s) => s.connections }],
    headline: (s) => `${last(s.connections) ?? 0} open`,
  },
  {
    id: 'messages',
    title: 'Messages/s',
    unit: '/s',
    lines: [
      { label: 'in', color: '--upgrader', values: (s) => s.inPerSec },
      { label: 'out', color: '--handler', values: (s) => s.outPerSec },
    ],
    headline: (s) => `${(last(s.inPerSec) ?? 0).toLocaleString()} in · ${(last(s.outPerSec) ?? 0).toLocaleString()} out`,
  },
  {
    id: 'latency',
    title: 'Handler latency',
    unit: ' ms',
    lines: [
      { label: 'p50', color: '--accent', values: (s) => s.p50Ms },
      { label: 'p99', color: '--warn', values: (s) => s.p99Ms },
    ],
    headline: (s) => `p50 ${ms(last(s.p50Ms))} · p99 ${ms(last(s.p99Ms))}`,
  },
];

function Chart({ spec, series }: { spec: ChartSpec; series: RunSeries }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = (s: RunSeries): uPlot.AlignedData => [s.t, ...spec.lines.map((l) => l.values(s))];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const text = cssColor('--muted', '#6b7385');
    const grid = cssColor('--border', '#e2e5ec');
    const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: AXIS_FONT };
    const options: uPlot.Options = {
      width: Math.max(160, el.clientWidth),
      height: 120,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
      axes: [
        { ...axis, space: timeTickSpace(), values: (_u, ticks) => ticks.map((t) => clock.format(new Date(t * 1000))) },
        { ...axis, size: 58, values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(2)}${spec.unit}`) },
      ],
      series: [{}, ...spec.lines.map((l) => ({ label: l.label, stroke: cssColor(l.color, '#4f46e5'), width: 1.5, spanGaps: false, points: { show: false } }))],
    };
    const u = new uPlot(options, data(useRunMetrics.getState().series), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(160, el.clientWidth), height: 120 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // One plot per mount; data arrives through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    plot.current?.setData(data(series));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series]);

  return (
    <figure className="run-chart" data-testid={`chart-${spec.id}`} data-points={series.t.length}>
      <figcaption className="run-chart__head">
        <span className="run-chart__title">{spec.title}</span>
        <span className="run-chart__legend">
          {spec.lines.map((l) => (
            <span key={l.label} className="run-chart__key">
              <i style={{ background: `var(${l.color})` }} />
              {l.label}
            </span>
          ))}
        </span>
        <span className="run-chart__value" data-testid={`chart-${spec.id}-value`}>{spec.headline(series)}</span>
      </figcaption>
      <div ref={box} className="run-chart__plot" />
    </figure>
  );
}

export function RunCharts() {
  const series = useRunMetrics((s) => s.series);
  const running = useRunMetrics((s) => s.running);
  if (!running) return <div className="empty-note" data-testid="charts-empty">Run the flow to see connections, messages per second and handler latency here.</div>;
  return (
    <div className="run-charts" data-testid="run-charts">
      {CHARTS.map((spec) => (
        <Chart key={spec.id} spec={spec} series={series} />
      ))}
      <ChannelsRun />
      <p className="run-charts__note muted">Last 5 minutes, updated twice a second. Latency is per handler invocation, all nodes together.</p>
    </div>
  );
}
