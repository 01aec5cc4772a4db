import { METHODS } from './evaluate-series.js';
import type { EvaluationSummary } from './summarize.js';

/**
 * The evaluation as a table: per frequency and overall, each method's mean
 * MASE, mean sMAPE and interval coverage, the engine first; then the engine's
 * chosen models and the series that could not be scored.
 */
export function renderTable(summary: EvaluationSummary): string {
  const percent = `${Math.round(summary.confidence * 1000) / 10}%`;
  const header = ['frequency', 'series', 'h', 'method', 'mean MASE', 'mean sMAPE %', `${percent} coverage`];
  const rows: string[][] = [];
  for (const g of summary.groups) {
    METHODS.forEach((method, i) => {
      const m = g.methods[method];
      const lead = i === 0 ? [g.group, String(g.series), g.horizons.join(',')] : ['', '', ''];
      rows.push([...lead, method, m.meanMase.toFixed(3), m.meanSmape.toFixed(2), `${(100 * m.coverage).toFixed(1)}%`]);
    });
  }
  const widths = header.map((_, j) => Math.max(...[header, ...rows].map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((cell, j) => (j === 0 || j === 3 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  ');
  const out = [line(header), ...rows.map(line)];
  for (const g of summary.groups) {
    const models = Object.entries(g.models).map(([model, count]) => `${model} ${count}`);
    out.push(`${g.group}: engine chose ${models.join(', ')}`);
  }
  if (summary.skipped.length > 0) {
    out.push(`${summary.skipped.length} series not scored:`, ...summary.skipped.map((s) => `  ${s.series} (${s.frequency}): ${s.error}`));
  }
  return `${out.join('\n')}\n`;
}
