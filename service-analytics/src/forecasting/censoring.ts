import type { DemandHistory } from './forecasting.types.js';

/**
 * Stock-out periods carry censored demand: the value is what could be served,
 * a lower bound of what customers wanted. Models that need an unbroken series
 * (seasonal naive, Holt–Winters, the regression's lags) replace each censored
 * value by an estimate; models that can skip periods (moving average, Croston,
 * TSB) skip them instead — each model's file says which.
 *
 * The estimate is the mean of the usable values at the same seasonal position
 * in up to `seasonsBack` earlier seasons (for season 1: the last few usable
 * values), never below the observed value (demand was at least what sold).
 * Earlier imputed values are not reused, so one long stock-out does not feed
 * on its own guesses; with no usable value before it, the first usable value
 * after it stands in, and with none at all the observed value stays.
 *
 * @example
 *   imputeCensored([10, 20, 10, 20, 10, 0], [false, false, false, false, false, true], 2)
 *   // [10, 20, 10, 20, 10, 20]
 */
export function imputeCensored(values: readonly number[], censored: readonly boolean[], season: number, seasonsBack = 4): number[] {
  return imputeEach(values, censored, season, seasonsBack, (t) => {
    const later = values.findIndex((_, j) => j > t && censored[j] !== true);
    return later >= 0 ? values[later] : undefined;
  });
}

/**
 * {@link imputeCensored} without its one look ahead: a stock-out with no
 * usable value before it keeps its observed value instead of borrowing the
 * first usable one after it. Each period is then imputed as it could have
 * been right after it happened — period t depends on periods 0..t only — so
 * a single pass over the whole history can stand for every training prefix
 * of a backtest without letting a held-out period reach back into training.
 *
 * @example imputeCensoredCausally([0, 0, 7, 8, 0], [true, true, false, false, true], 1) // [0, 0, 7, 8, 7.5]
 */
export function imputeCensoredCausally(values: readonly number[], censored: readonly boolean[], season: number, seasonsBack = 4): number[] {
  return imputeEach(values, censored, season, seasonsBack, () => undefined);
}

function imputeEach(
  values: readonly number[],
  censored: readonly boolean[],
  season: number,
  seasonsBack: number,
  withNothingEarlier: (t: number) => number | undefined,
): number[] {
  const lag = Math.max(1, season);
  // Season 1 has no position to match: average the last few usable values instead.
  const lookBack = season > 1 ? seasonsBack : Math.max(seasonsBack, 3);
  const out = [...values];
  for (let t = 0; t < values.length; t += 1) {
    if (censored[t] !== true) continue;
    let sum = 0;
    let found = 0;
    for (let j = t - lag; j >= 0 && found < lookBack; j -= lag) {
      if (censored[j] === true) continue;
      sum += values[j]!;
      found += 1;
    }
    const estimate = found > 0 ? sum / found : withNothingEarlier(t);
    if (estimate !== undefined) out[t] = Math.max(values[t]!, estimate);
  }
  return out;
}

/** The history's values with censored periods imputed ({@link imputeCensored}). */
export function imputedValues(history: DemandHistory, season: number): number[] {
  return imputeCensored(history.values, history.censored, season);
}

/** The history's values imputed causally ({@link imputeCensoredCausally}): what the backtest fast paths run over. */
export function causallyImputedValues(history: DemandHistory, season: number): number[] {
  return imputeCensoredCausally(history.values, history.censored, season);
}

/** Whether a history holds any stock-out period. */
export function hasCensoring(history: DemandHistory): boolean {
  return history.censored.some((c) => c);
}
