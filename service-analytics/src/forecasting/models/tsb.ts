import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { INTERMITTENT_ALPHAS } from './croston.js';

export interface TsbFit {
  alpha: number;
  beta: number;
  /** Smoothed probability that a period has demand. */
  probability: number;
  /** Smoothed size of a demand when it happens. */
  size: number;
  /** The per-period demand rate forecast: probability · size. */
  rate: number;
}

/**
 * Teunter–Syntetos–Babai (TSB): like Croston, but the demand probability is
 * updated every period (towards 1 on demand, towards 0 without), so a product
 * that stops selling sees its forecast decay instead of freezing at the last
 * rate — the obsolescence case Croston misses. α (size) and β (probability)
 * are fitted on a small grid by in-sample one-step squared error.
 *
 * Censoring: a stock-out period is skipped entirely — a zero there is not
 * evidence that nobody wanted the product.
 *
 * @example
 *   tsb([0, 0, 6, 0, 0, 6, 0, 0, 6], [], { alpha: 0.1, beta: 0.1 }).size // 6
 */
export function tsb(values: readonly number[], censored: readonly boolean[], options: { alpha?: number; beta?: number } = {}): TsbFit {
  const alphas = options.alpha === undefined ? INTERMITTENT_ALPHAS : [options.alpha];
  const betas = options.beta === undefined ? INTERMITTENT_ALPHAS : [options.beta];
  let best: { fit: TsbFit; sse: number } | undefined;
  for (const alpha of alphas) {
    for (const beta of betas) {
      const run = smoothTsb(values, censored, alpha, beta);
      if (best === undefined || run.sse < best.sse) best = { fit: run.fits[0]!, sse: run.sse };
    }
  }
  return best!.fit;
}

/**
 * TSB's recursion over the usable periods of values[0..last stop): the fit
 * as it stands at each of the ascending `stops` (the fit of
 * values[0..stop)), and the in-sample one-step SSE up to the last stop.
 */
function smoothTsb(
  values: readonly number[],
  censored: readonly boolean[],
  alpha: number,
  beta: number,
  stops: readonly number[] = [values.length],
): { fits: TsbFit[]; sse: number } {
  let size = 0;
  let probability = 0;
  let started = false;
  // Usable periods before the first demand: the probability starts from how long it took to come.
  let waited = 0;
  let sse = 0;
  const fits: TsbFit[] = [];
  let t = 0;
  for (const stop of stops) {
    for (; t < stop; t += 1) {
      if (censored[t] === true) continue;
      const y = values[t]!;
      if (!started) {
        if (y > 0) {
          size = y;
          probability = 1 / (waited + 1);
          started = true;
        } else waited += 1;
        continue;
      }
      sse += (y - probability * size) ** 2;
      const occurred = y > 0 ? 1 : 0;
      probability += beta * (occurred - probability);
      if (occurred) size += alpha * (y - size);
    }
    fits.push({ alpha, beta, probability, size, rate: probability * size });
  }
  return { fits, sse };
}

/**
 * The backtest forecasts of every origin with α and β fitted once, on the
 * periods before the first origin, and size and probability carried forward
 * by one pass of the recursion, each origin's rate read off at that origin:
 * rolling-origin evaluation "updating without recalibration" (Tashman 2000).
 * The parameters and the state at origin t come from periods before t only,
 * so no window sees its held-out periods. The forecast proper still refits
 * on the whole history.
 */
function fixedParameterBacktest(history: DemandHistory, plan: BacktestPlan): number[][] {
  const first = plan.origins[0];
  if (first === undefined) return [];
  const { alpha, beta } = tsb(history.values.slice(0, first), history.censored.slice(0, first));
  const { fits } = smoothTsb(history.values, history.censored, alpha, beta, plan.origins);
  return fits.map((fit, i) => new Array<number>(Math.min(plan.horizon, history.values.length - plan.origins[i]!)).fill(fit.rate));
}

export const tsbModel: ForecastModel = {
  name: 'tsb',
  unfit(history: DemandHistory) {
    return history.values.length < 2 ? 'needs at least two periods' : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = tsb(history.values, history.censored);
    return {
      values: Array.from({ length: context.horizon }, () => fit.rate),
      params: { alpha: fit.alpha, beta: fit.beta, probability: fit.probability, size: fit.size },
    };
  },
  backtest: fixedParameterBacktest,
};
