import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';

/** The smoothing constants tried when none is given; small values suit slow movers (Syntetos & Boylan). */
export const INTERMITTENT_ALPHAS = [0.05, 0.1, 0.2, 0.3] as const;

export interface CrostonFit {
  alpha: number;
  /** Smoothed size of a demand when it happens. */
  size: number;
  /** Smoothed number of periods between demands. */
  interval: number;
  /** The per-period demand rate forecast: (1 − α/2) · size / interval (SBA). */
  rate: number;
}

/**
 * Croston's method with the Syntetos–Boylan Approximation (SBA) for
 * intermittent demand: smooth the size of the non-zero demands and the
 * interval between them separately (both only when demand happens); the
 * forecast is the flat rate size / interval times (1 − α/2), which removes
 * Croston's known upward bias. α is fitted on a small grid by in-sample
 * one-step squared error unless given.
 *
 * Censoring: a stock-out period is skipped, and it also ends the interval
 * being counted without completing it — the periods before a stock-out say
 * only that demand had not yet come, so that unfinished interval is dropped
 * rather than counted as a long gap (which would drag the rate towards zero).
 *
 * With no demand at all the rate is 0.
 *
 * @example
 *   crostonSba([0, 0, 6, 0, 0, 6, 0, 0, 6], [], { alpha: 0.1 }).rate // (1 − 0.05) · 6 / 3 = 1.9
 */
export function crostonSba(values: readonly number[], censored: readonly boolean[], options: { alpha?: number } = {}): CrostonFit {
  const alphas = options.alpha === undefined ? INTERMITTENT_ALPHAS : [options.alpha];
  let best: { fit: CrostonFit; sse: number } | undefined;
  for (const alpha of alphas) {
    const run = croston(values, censored, alpha);
    if (best === undefined || run.sse < best.sse) best = { fit: run.fits[0]!, sse: run.sse };
  }
  return best!.fit;
}

/**
 * Croston's recursion with smoothing α over values[0..last stop): the fit as
 * it stands at each of the ascending `stops` (the fit of values[0..stop)),
 * and the in-sample one-step SSE up to the last stop.
 */
function croston(
  values: readonly number[],
  censored: readonly boolean[],
  alpha: number,
  stops: readonly number[] = [values.length],
): { fits: CrostonFit[]; sse: number } {
  let size: number | undefined;
  let interval: number | undefined;
  let periodsSinceDemand = 0;
  let sse = 0;
  const correction = 1 - alpha / 2;
  const fits: CrostonFit[] = [];
  let t = 0;
  for (const stop of stops) {
    for (; t < stop; t += 1) {
      if (censored[t] === true) {
        periodsSinceDemand = 0;
        continue;
      }
      const y = values[t]!;
      periodsSinceDemand += 1;
      if (size !== undefined && interval !== undefined) sse += (y - (correction * size) / interval) ** 2;
      if (y <= 0) continue;
      if (size === undefined || interval === undefined) {
        size = y;
        interval = periodsSinceDemand;
      } else {
        size += alpha * (y - size);
        interval += alpha * (periodsSinceDemand - interval);
      }
      periodsSinceDemand = 0;
    }
    fits.push(
      size === undefined || interval === undefined ? { alpha, size: 0, interval: 0, rate: 0 } : { alpha, size, interval, rate: (correction * size) / interval },
    );
  }
  return { fits, sse };
}

/**
 * The backtest forecasts of every origin with α fitted once, on the periods
 * before the first origin, and the size and interval carried forward by one
 * pass of the recursion, each origin's rate read off at that origin: rolling-
 * origin evaluation "updating without recalibration" (Tashman 2000). α and
 * the state at origin t come from periods before t only, so no window sees
 * its held-out periods. The forecast proper still refits α on the whole history.
 */
function fixedAlphaBacktest(history: DemandHistory, plan: BacktestPlan): number[][] {
  const first = plan.origins[0];
  if (first === undefined) return [];
  const { alpha } = crostonSba(history.values.slice(0, first), history.censored.slice(0, first));
  const { fits } = croston(history.values, history.censored, alpha, plan.origins);
  return fits.map((fit, i) => new Array<number>(Math.min(plan.horizon, history.values.length - plan.origins[i]!)).fill(fit.rate));
}

export const crostonSbaModel: ForecastModel = {
  name: 'croston-sba',
  unfit(history: DemandHistory) {
    return history.values.length < 2 ? 'needs at least two periods' : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = crostonSba(history.values, history.censored);
    return {
      values: Array.from({ length: context.horizon }, () => fit.rate),
      params: { alpha: fit.alpha, size: fit.size, interval: fit.interval },
    };
  },
  backtest: fixedAlphaBacktest,
};
