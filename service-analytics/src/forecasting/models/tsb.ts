import type { DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
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
export function tsb(
  values: readonly number[],
  censored: readonly boolean[],
  options: { alpha?: number; beta?: number } = {},
): TsbFit {
  const alphas = options.alpha === undefined ? INTERMITTENT_ALPHAS : [options.alpha];
  const betas = options.beta === undefined ? INTERMITTENT_ALPHAS : [options.beta];
  let best: { fit: TsbFit; sse: number } | undefined;
  for (const alpha of alphas) {
    for (const beta of betas) {
      const run = smoothTsb(values, censored, alpha, beta);
      if (best === undefined || run.sse < best.sse) best = run;
    }
  }
  return best!.fit;
}

function smoothTsb(values: readonly number[], censored: readonly boolean[], alpha: number, beta: number): { fit: TsbFit; sse: number } {
  const usable = values.filter((_, t) => censored[t] !== true);
  const firstDemand = usable.findIndex((v) => v > 0);
  if (firstDemand < 0) return { fit: { alpha, beta, probability: 0, size: 0, rate: 0 }, sse: 0 };
  // Start from the first demand: probability from how long it took to come.
  let size = usable[firstDemand]!;
  let probability = 1 / (firstDemand + 1);
  let sse = 0;
  for (let t = firstDemand + 1; t < usable.length; t += 1) {
    const y = usable[t]!;
    sse += (y - probability * size) ** 2;
    const occurred = y > 0 ? 1 : 0;
    probability += beta * (occurred - probability);
    if (occurred) size += alpha * (y - size);
  }
  return { fit: { alpha, beta, probability, size, rate: probability * size }, sse };
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
};
