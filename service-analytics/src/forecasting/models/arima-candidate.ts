import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { arimaForecast, type ArimaFit } from './arima.js';
import { autoArima, type AutoArimaOptions } from './auto-arima.js';
import { FIT_WINDOW } from './ets-candidate.js';

/**
 * Automatic ARIMA as a candidate of the daily pipeline. Short series (up to
 * {@link LONG_SERIES} periods: yearly, quarterly, monthly data) get R's
 * `auto.arima` search in full: orders up to p, q ≤ 5, P, Q ≤ 2, p + q + P + Q
 * ≤ 5, and the chosen form refitted by exact likelihood. Longer series (R
 * itself approximates above 150 periods; here: months of days) would cost far
 * more than the engine's per-SKU budget, so — as for ETS — the orders are
 * searched on the most recent periods only (ten seasons, at least
 * {@link FIT_WINDOW}), with p, q ≤ 2, P, Q ≤ 1, at most
 * {@link LONG_SERIES_MODELS} forms, a looser stop and the CSS fit kept: the
 * backtest, not AICc, decides between ARIMA and the other candidates there.
 */
export const LONG_SERIES = 150;
export const LONG_SERIES_MODELS = 6;

const LONG_SERIES_SEARCH: AutoArimaOptions = {
  maxP: 2,
  maxQ: 2,
  maxSeasonalP: 1,
  maxSeasonalQ: 1,
  maxModels: LONG_SERIES_MODELS,
  finalMethod: 'css',
  maxIterations: 100,
  tolerance: 1e-4,
};

/**
 * The search on short series: R's bounds, with the optimiser stopping at 1e-5
 * of −2 log-likelihood (≈ 0.005 on a hundred periods: no AICc ranking that
 * matters moves) — half the evaluations of a tight stop.
 */
const SHORT_SERIES_SEARCH: AutoArimaOptions = { maxIterations: 150, tolerance: 1e-5 };

/** Periods the fit and every later forecast of the candidate look at. */
function windowLength(length: number, season: number): number {
  return length <= LONG_SERIES ? length : Math.max(FIT_WINDOW, 10 * season);
}

/**
 * The ARIMA form chosen on the (recent) history, or null when none fits.
 *
 * @example fitPipelineArima(values, 12)?.spec // e.g. { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, m: 12, constant: false }
 */
export function fitPipelineArima(values: readonly number[], season: number): ArimaFit | null {
  const long = values.length > LONG_SERIES;
  const window = values.slice(values.length - windowLength(values.length, season));
  return autoArima(window, season, long ? LONG_SERIES_SEARCH : SHORT_SERIES_SEARCH)?.fit ?? null;
}

const MIN_PERIODS = 10;

function paramsOf(fit: ArimaFit): Record<string, number> {
  const { p, d, q, P, D, Q } = fit.spec;
  return { p, d, q, P, D, Q, constant: fit.spec.constant ? fit.mu : 0, sigma2: fit.sigma2, aicc: fit.aicc };
}

/**
 * ARIMA chosen by the stepwise search as a candidate. Censoring: imputed
 * ({@link imputedValues}), as for ETS. The backtest searches and fits once
 * before the first origin (as a refit there would: backtest.spec.ts checks
 * it) and forecasts every origin with those coefficients from the window of
 * periods before it (the residuals re-run over it), so each origin sees only
 * its past.
 */
export const arimaModel: ForecastModel = {
  name: 'arima',
  unfit(history: DemandHistory) {
    return history.values.length < MIN_PERIODS ? `needs ${MIN_PERIODS} periods` : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const values = imputedValues(history, context.season);
    const fit = fitPipelineArima(values, context.season);
    if (fit === null) throw new RangeError('no ARIMA form fits this history');
    const window = values.slice(values.length - windowLength(values.length, context.season));
    return { values: arimaForecast(fit, window, context.horizon), params: paramsOf(fit) };
  },
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const { season, horizon, origins } = plan;
    const first = origins[0];
    if (first === undefined || first < MIN_PERIODS) return [];
    const series = causallyImputedValues(history, season);
    const fit = fitPipelineArima(series.slice(0, first), season);
    if (fit === null) return [];
    // A short series' origins see all of their past, a long one's the window the fit saw.
    const length = first <= LONG_SERIES ? Infinity : windowLength(first, season);
    return origins.map((origin) => arimaForecast(fit, series.slice(Math.max(0, origin - length), origin), Math.min(horizon, series.length - origin)));
  },
};
