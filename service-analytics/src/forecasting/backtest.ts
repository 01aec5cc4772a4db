import type { BacktestPlan, DemandHistory, ForecastModel, ModelName } from './forecasting.types.js';
import { regressorsAhead, trainingSlice } from './history.js';
import { seasonalNaiveScales } from './metrics.js';

/** One forecast origin of a rolling-origin backtest. */
export interface BacktestWindow {
  /** Periods of training: the model saw values[0..origin) and nothing else. */
  origin: number;
  forecast: number[];
  /** The held-out values values[origin..origin + horizon). */
  actual: number[];
  /** Which held-out periods count: stock-outs are censored and are not scored. */
  scored: boolean[];
  /** The MASE denominator: in-sample seasonal naive MAE of the training part (see {@link originScales}). */
  scale: number;
  /** MAE over the scored periods / `scale`; null when none is scored. */
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
 * The MASE scale of each origin's window: the in-sample seasonal naive MAE of
 * the periods before it, stock-outs left out. It depends on the origin only,
 * not on the model, so it is computed once and shared by every candidate.
 */
export function originScales(history: DemandHistory, plan: BacktestPlan): number[] {
  const usable = history.censored.map((c) => !c);
  return seasonalNaiveScales(history.values, plan.season, plan.origins, usable);
}

/**
 * Backtest one model at the given origins. At each origin the model receives
 * only the training slice (a frozen copy of periods before the origin) plus
 * the campaign and holiday flags of the horizon, which are known in advance —
 * never a held-out value. Scoring skips censored held-out periods: a stock-out
 * day's value is not the demand the forecast should have hit.
 *
 * A model with a `backtest` fast path forecasts its origins in one pass
 * instead (see {@link ForecastModel.backtest} and the model files for why each
 * stays leakage-free); origins the pass does not reach get the refit above.
 *
 * @example
 *   backtestModel(history, seasonalNaiveModel, { season: 7, horizon: 14, origins: rollingOrigins(100, 14, 5, 14) }).mase
 */
export function backtestModel(
  history: DemandHistory,
  model: ForecastModel,
  plan: BacktestPlan,
  scales: readonly number[] = originScales(history, plan),
): CandidateBacktest {
  const fast = model.backtest?.(history, plan) ?? [];
  const windows = plan.origins.map((origin, i) => {
    const forecast = fast[i] ?? refitForecast(history, model, plan, origin);
    return scoreWindow(history, origin, forecast, scales[i]!);
  });
  return summarise(model.name, windows);
}

function refitForecast(history: DemandHistory, model: ForecastModel, plan: BacktestPlan, origin: number): number[] {
  const horizon = Math.min(plan.horizon, history.values.length - origin);
  return model.forecast(trainingSlice(history, origin), {
    season: plan.season,
    horizon,
    future: regressorsAhead(history, origin, horizon),
  }).values;
}

/** Score a window's forecast against the held-out periods after `origin`; `scale` is its MASE denominator. */
export function scoreWindow(history: DemandHistory, origin: number, forecast: readonly number[], scale: number): BacktestWindow {
  const actual = history.values.slice(origin, origin + forecast.length);
  const scored = actual.map((_, k) => history.censored[origin + k] !== true);
  let errorSum = 0;
  let count = 0;
  actual.forEach((a, k) => {
    if (!scored[k]) return;
    errorSum += Math.abs(a - forecast[k]!);
    count += 1;
  });
  const mase = count > 0 ? errorSum / count / scale : null;
  return { origin, forecast: [...forecast], actual, scored, scale, mase };
}

/** Mean MASE and MAE over the windows that had scored periods. */
export function summarise(model: ModelName, windows: BacktestWindow[]): CandidateBacktest {
  let maseSum = 0;
  let maeSum = 0;
  let scoredWindows = 0;
  for (const w of windows) {
    if (w.mase === null) continue;
    maseSum += w.mase;
    maeSum += windowMae(w);
    scoredWindows += 1;
  }
  if (scoredWindows === 0) return { model, windows, mase: Number.POSITIVE_INFINITY, mae: Number.POSITIVE_INFINITY };
  return { model, windows, mase: maseSum / scoredWindows, mae: maeSum / scoredWindows };
}

function windowMae(w: BacktestWindow): number {
  let sum = 0;
  let count = 0;
  w.actual.forEach((a, k) => {
    if (!w.scored[k]) return;
    sum += Math.abs(a - w.forecast[k]!);
    count += 1;
  });
  return sum / count;
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
