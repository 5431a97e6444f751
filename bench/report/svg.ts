/**
 * A plain SVG bar chart of the headline medians (one panel per metric, one bar per contender),
 * written as text so the README can show it without any charting dependency.
 */
import type { ContenderId } from '../contenders/index.ts';
import { formatValue, type ScenarioResult } from '../runner.ts';

const COLORS: Record<ContenderId, string> = { raw: '#6b7280', engine: '#2563eb', lowcode: '#7c3aed', export: '#0891b2', nodered: '#b91c1c' };
const LABELS: Record<ContenderId, string> = { raw: 'raw ws', engine: 'wsflow run', lowcode: 'wsflow low-code', export: 'wsflow export', nodered: 'Node-RED' };
const ORDER: ContenderId[] = ['raw', 'engine', 'lowcode', 'export', 'nodered'];

interface Panel {
  title: string;
  unit: string;
  better: 'higher' | 'lower';
  values: { id: ContenderId; value: number }[];
}

const PANELS: [string, string, string][] = [
  ['echo', 'msgsPerSec', 'Echo messages/s'],
  ['echo', 'cpuUsPerMsg', 'Echo server CPU per message (µs)'],
  ['fanout', 'maxDeliveriesPerSec', 'Fan-out: max sustained deliveries/s'],
  ['fanout', 'cpuUsPerDelivery', 'Fan-out: server CPU per delivery (µs)'],
  ['connections', 'kbPerConnection', 'Memory per idle connection (KiB)'],
  ['snippet', 'cpuUsPerMsg', 'Snippet (JSON work): CPU per message (µs)'],
  ['cluster', 'maxDeliveriesPerSec', 'Two instances + Redis: max deliveries/s'],
  ['cluster', 'cpuUsPerDelivery', 'Two instances + Redis: CPU per delivery (µs)'],
];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSvg(results: ScenarioResult[], subtitle: string): string {
  const panels: Panel[] = [];
  for (const [scenario, key, title] of PANELS) {
    const s = results.find((r) => r.id === scenario);
    const metric = s?.metrics.find((m) => m.key === key);
    if (!s || !metric) continue;
    const values = ORDER.flatMap((id) => {
      const v = s.contenders[id]?.median[key];
      return v !== undefined && Number.isFinite(v) ? [{ id, value: v }] : [];
    });
    if (values.length > 0) panels.push({ title, unit: metric.unit, better: metric.better, values });
  }
  const width = 960;
  const cols = 2;
  const panelW = (width - 40) / cols;
  const barH = 22;
  const panelH = 40 + ORDER.length * (barH + 8) + 10;
  const top = 90;
  const height = top + Math.ceil(panels.length / cols) * panelH + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="30" font-size="18" font-weight="600" fill="#111827">wsflow benchmarks: medians, same machine, same run</text>`,
    `<text x="20" y="52" fill="#4b5563">${esc(subtitle)}</text>`,
  ];
  ORDER.forEach((id, i) => {
    const x = 20 + i * 150;
    out.push(`<rect x="${x}" y="64" width="12" height="12" fill="${COLORS[id]}"/><text x="${x + 18}" y="75" fill="#374151">${LABELS[id]}</text>`);
  });
  panels.forEach((panel, index) => {
    const x0 = 20 + (index % cols) * panelW;
    const y0 = top + Math.floor(index / cols) * panelH;
    const labelW = 110;
    const valueW = 90;
    const barMax = panelW - labelW - valueW - 20;
    const max = Math.max(...panel.values.map((v) => v.value));
    out.push(`<text x="${x0}" y="${y0 + 20}" font-weight="600" fill="#111827">${esc(panel.title)}</text>`);
    out.push(`<text x="${x0 + panelW - 20}" y="${y0 + 20}" text-anchor="end" fill="#6b7280" font-size="11">${panel.better} is better</text>`);
    panel.values.forEach((v, k) => {
      const y = y0 + 32 + k * (barH + 8);
      const w = max > 0 ? Math.max(1, (v.value / max) * barMax) : 1;
      out.push(`<text x="${x0}" y="${y + 15}" fill="#374151">${LABELS[v.id]}</text>`);
      out.push(`<rect x="${x0 + labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" rx="3" fill="${COLORS[v.id]}"/>`);
      out.push(`<text x="${(x0 + labelW + w + 6).toFixed(1)}" y="${y + 15}" fill="#111827">${esc(formatValue(v.value, panel.unit === 'msg/s' || panel.unit === '/s' ? '/s' : ''))}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
