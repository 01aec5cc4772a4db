import type { BatchOutcome } from './batch-forecast.js';

type Forecast = Exclude<BatchOutcome, { error: string }>;

/**
 * The text report of a many-series run: one row per series (its model and,
 * with a holdout, MASE, sMAPE and interval coverage; without, the first and
 * last forecast with their intervals), then the means over the series that
 * were forecast and the ones that were not.
 */
export function renderBatch(outcomes: readonly BatchOutcome[], confidence: number): string {
  const forecast = outcomes.filter((o): o is Forecast => !('error' in o));
  const holdout = forecast.some((o) => o.report.metrics !== undefined);
  const percent = `${Math.round(confidence * 1000) / 10}%`;
  const header = holdout
    ? ['series', 'fitted on', 'model', 'MASE', 'sMAPE %', `${percent} coverage`]
    : ['series', 'fitted on', 'model', 'step 1', `${percent} interval`, 'last step', `${percent} interval`];
  const rows = outcomes.map((o) => {
    if ('error' in o) return [o.series, '', `not forecast: ${o.error}`];
    const { report } = o;
    const head = [o.series, String(report.trainingPoints), report.model];
    if (holdout) return [...head, report.metrics!.mase.toFixed(3), report.metrics!.smape.toFixed(1), `${Math.round(o.coverage! * 100)}%`];
    const first = report.forecasts[0]!;
    const last = report.forecasts.at(-1)!;
    return [
      ...head,
      first.value.toFixed(2),
      `[${first.lower.toFixed(2)}, ${first.upper.toFixed(2)}]`,
      last.value.toFixed(2),
      `[${last.lower.toFixed(2)}, ${last.upper.toFixed(2)}]`,
    ];
  });
  const out = table([header, ...rows]);
  out.push('');
  if (holdout && forecast.length > 0) {
    const mean = (pick: (o: Forecast) => number) => forecast.reduce((sum, o) => sum + pick(o), 0) / forecast.length;
    const points = forecast.reduce((sum, o) => sum + o.report.forecasts.length, 0);
    const covered = forecast.reduce((sum, o) => sum + o.coverage! * o.report.forecasts.length, 0);
    out.push(
      `${forecast.length} series: mean MASE ${mean((o) => o.report.metrics!.mase).toFixed(3)}, mean sMAPE ${mean((o) => o.report.metrics!.smape).toFixed(1)}%, ` +
        `${percent} intervals covered ${((100 * covered) / points).toFixed(1)}% of ${points} held-out points`,
    );
  } else {
    out.push(`${forecast.length} series forecast${holdout ? '' : ' (--json for every step)'}`);
  }
  const failed = outcomes.length - forecast.length;
  if (failed > 0) out.push(`${failed} series not forecast`);
  return `${out.join('\n')}\n`;
}

/** Left-aligned text columns, right-aligned numbers; rows shorter than the header (a failure's message) are not padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.filter((r) => r.length === rows[0]!.length).map((r) => r[j]!.length)));
  return rows.map((r) =>
    r.length < widths.length
      ? r.join('  ').trimEnd()
      : r
          .map((cell, j) => (j < 3 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
          .join('  ')
          .trimEnd(),
  );
}
