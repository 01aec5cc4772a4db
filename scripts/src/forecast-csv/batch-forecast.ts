import type { NamedSeries } from '../series-set/long-format.js';
import { forecastCsv, jsonReport, type ForecastCsvOptions, type ForecastCsvReport, type HoldoutMetrics } from './forecast-report.js';
import { InputError } from './read-series.js';

/** One series' result in a many-series run: its report, or why it could not be forecast. */
export type BatchOutcome = { series: string; report: ForecastCsvReport; coverage?: number } | { series: string; error: string };

/** A chunk of series for one worker, with the options every series shares. */
export interface BatchTask {
  series: NamedSeries[];
  options: ForecastCsvOptions;
}

/**
 * Forecast each series of a chunk as the one-file form does ({@link forecastCsv}).
 * A series the engine refuses (too short, holdout too long) is an outcome with
 * its message, not a failure of the run; with a holdout, `coverage` is the
 * share of held-out points inside their intervals.
 *
 * @example forecastBatch({ series: [{ name: 'a', values }], options: { season: 7, horizon: 7, holdout: 7, confidence: 0.95 } })
 */
export function forecastBatch(task: BatchTask): BatchOutcome[] {
  return task.series.map((series) => {
    try {
      const report = forecastCsv(series, task.options);
      return report.actuals === undefined ? { series: series.name, report } : { series: series.name, report, coverage: coverageOf(report) };
    } catch (error) {
      if (error instanceof InputError) return { series: series.name, error: error.message };
      throw error;
    }
  });
}

/** The JSON line `--json` prints for one series: the one-file object with the series name first, and the coverage among the metrics. */
export function jsonLine(outcome: BatchOutcome): string {
  if ('error' in outcome) return JSON.stringify({ series: outcome.series, error: outcome.error });
  const { metrics, ...rest } = jsonReport(outcome.report);
  const withCoverage: (HoldoutMetrics & { coverage: number }) | undefined = metrics && { ...metrics, coverage: outcome.coverage! };
  return JSON.stringify({ series: outcome.series, ...rest, ...(withCoverage ? { metrics: withCoverage } : {}) });
}

function coverageOf(report: ForecastCsvReport): number {
  const actuals = report.actuals!;
  const inside = report.forecasts.filter((f, k) => actuals[k]! >= f.lower && actuals[k]! <= f.upper).length;
  return inside / actuals.length;
}
