import type { ForecastCsvReport } from './forecast-report.js';

/**
 * The human-readable report: the chosen model and why (each candidate's
 * backtest MASE), the forecasts with their intervals and, with a holdout, the
 * actuals and the accuracy against them.
 */
export function renderText(report: ForecastCsvReport, source: string): string {
  const out: string[] = [];
  const percent = Math.round(report.confidence * 1000) / 10;
  out.push(`${source}: ${report.trainingPoints} values used for fitting, season ${report.season}`);
  out.push(`model: ${report.model}`);
  out.push(`why:   ${report.reason}`);
  out.push('', 'backtest MASE per candidate (lower is better, 1 = as good as seasonal naive):');
  for (const c of report.candidates) {
    const score = c.mase === null ? `skipped: ${c.skipped}` : c.mase.toFixed(3);
    out.push(`  ${c.model === report.model ? '*' : ' '} ${c.model.padEnd(28)} ${score}`);
  }
  out.push('', `forecasts with ${percent}% intervals${report.actuals ? ' (held-out points)' : ''}:`);
  const hasDates = report.forecasts.some((f) => f.date !== undefined);
  const header = ['index', ...(hasDates ? ['date'] : []), 'value', 'lower', 'upper', ...(report.actuals ? ['actual'] : [])];
  const rows = report.forecasts.map((f, k) => [
    String(f.index),
    ...(hasDates ? [f.date ?? ''] : []),
    fixed(f.value),
    fixed(f.lower),
    fixed(f.upper),
    ...(report.actuals ? [fixed(report.actuals[k]!)] : []),
  ]);
  out.push(...table([header, ...rows]));
  if (!report.intervalsReliable) out.push('note: too few backtest errors for this confidence; the intervals are narrower than promised');
  if (report.metrics) {
    const m = report.metrics;
    out.push(
      '',
      `holdout accuracy over ${report.forecasts.length} points: MAE ${fixed(m.mae)}  RMSE ${fixed(m.rmse)}  MASE ${m.mase.toFixed(3)}  sMAPE ${m.smape.toFixed(1)}%`,
    );
  }
  return `${out.join('\n')}\n`;
}

function fixed(value: number): string {
  return value.toFixed(2);
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  return rows.map((r) => `  ${r.map((cell, j) => cell.padStart(widths[j]!)).join('  ')}`);
}
