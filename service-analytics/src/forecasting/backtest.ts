import type { DemandHistory, ForecastModel, ModelName } from './forecasting.types.js';
import { regressorsAhead, trainingSlice } from './history.js';
import { mae, seasonalNaiveScale } from './metrics.js';

/** One forecast origin of a rolling-origin backtest. */
export interface BacktestWindow {
  /** Periods of training: the model saw values[0..origin) and nothing else. */
  origin: number;
  forecast: number[];
  /** The held-out values values[origin..origin + horizon). */
  actual: number[];
  /** Which held-out periods count: stock-outs are censored and are not scored. */
  scored: boolean[];
  /** MAE over the scored periods / in-sample seasonal naive MAE of the training part; null when none is scored. */
  mase: number | null;
}

export interface CandidateBacktest {
  model: ModelName;
  windows: BacktestWindow[];
  /** Mean of the windows' MASE: the selection criterion. */
  mase: number;
  /** Mean of the windows' MAE over scored periods. */
  mae: number;
}

/**
 * The forecast origins of a rolling-origin backtest: the last `windows`
 * origins, one period apart, whose full horizon is still inside the series —
 * so every window is scored on `horizon` held-out periods. Fewer windows when
 * the series is short: the earliest origin keeps `minTraining` periods.
 *
 * @example rollingOrigins(20, 3, 4, 5) // [14, 15, 16, 17]
 */
export function rollingOrigins(length: number, horizon: number, windows: number, minTraining: number): number[] {
  const last = length - horizon;
  const first = Math.max(minTraining, last - windows + 1);
  if (last < first) return [];
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/**
 * Backtest one model at the given origins. At each origin the model receives
 * only the training slice (a frozen copy of periods before the origin) plus
 * the campaign and holiday flags of the horizon, which are known in advance —
 * never a held-out value. Scoring skips censored held-out periods: a stock-out
 * day's value is not the demand the forecast should have hit.
 *
 * @example
 *   backtestModel(history, seasonalNaiveModel, { season: 7, horizon: 14, origins: rollingOrigins(100, 14, 5, 14) }).mase
 */
export function backtestModel(
  history: DemandHistory,
  model: ForecastModel,
  plan: { season: number; horizon: number; origins: readonly number[] },
): CandidateBacktest {
  const windows = plan.origins.map((origin) => {
    const training = trainingSlice(history, origin);
    const horizon = Math.min(plan.horizon, history.values.length - origin);
    const { values: forecast } = model.forecast(training, {
      season: plan.season,
      horizon,
      future: regressorsAhead(history, origin, horizon),
    });
    return scoreWindow(history, origin, forecast, plan.season);
  });
  return summarise(model.name, windows);
}

/** Score a window's forecast against the held-out periods after `origin`. */
export function scoreWindow(history: DemandHistory, origin: number, forecast: readonly number[], season: number): BacktestWindow {
  const actual = history.values.slice(origin, origin + forecast.length);
  const scored = actual.map((_, k) => history.censored[origin + k] !== true);
  const kept = actual.flatMap((a, k) => (scored[k] ? [[a, forecast[k]!] as const] : []));
  let windowMase: number | null = null;
  if (kept.length > 0) {
    const trainingUsable = history.censored.slice(0, origin).map((c) => !c);
    const scale = seasonalNaiveScale(history.values.slice(0, origin), season, trainingUsable);
    windowMase = mae(kept.map(([a]) => a), kept.map(([, f]) => f)) / scale;
  }
  return { origin, forecast: [...forecast], actual, scored, mase: windowMase };
}

/** Mean MASE and MAE over the windows that had scored periods. */
export function summarise(model: ModelName, windows: BacktestWindow[]): CandidateBacktest {
  const scoredWindows = windows.filter((w) => w.mase !== null);
  const maes = scoredWindows.map((w) => {
    const kept = w.actual.flatMap((a, k) => (w.scored[k] ? [Math.abs(a - w.forecast[k]!)] : []));
    return kept.reduce((s, e) => s + e, 0) / kept.length;
  });
  const mean = (xs: number[]) => (xs.length === 0 ? Number.POSITIVE_INFINITY : xs.reduce((a, b) => a + b, 0) / xs.length);
  return { model, windows, mase: mean(scoredWindows.map((w) => w.mase!)), mae: mean(maes) };
}

/**
 * Held-out errors `actual − forecast` per horizon step (index 0 = step 1)
 * over all windows, scored periods only: the raw material of the prediction
 * intervals.
 */
export function residualsByStep(backtest: CandidateBacktest, horizon: number): number[][] {
  const byStep: number[][] = Array.from({ length: horizon }, () => []);
  for (const w of backtest.windows) {
    w.actual.forEach((a, k) => {
      if (w.scored[k] && k < horizon) byStep[k]!.push(a - w.forecast[k]!);
    });
  }
  return byStep;
}
