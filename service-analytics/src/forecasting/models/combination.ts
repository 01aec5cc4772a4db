import { scoreWindow, summarise, type CandidateBacktest } from '../backtest.js';
import type { DemandHistory, ModelName } from '../forecasting.types.js';

/**
 * The combination: the plain mean of the point forecasts of ETS, ARIMA and
 * Theta — the combination of the classical
 * strong methods that forecasting competitions keep finding hard to beat
 * (e.g. the M4 benchmark "Comb"). Unlike the ensemble its members are fixed,
 * not the backtest's best, so its backtest score is not optimistic, and its
 * held-out errors give it conformal intervals of its own.
 */
export const COMBINATION_MEMBERS: readonly ModelName[] = ['ets', 'arima', 'theta'];

/** @example meanForecast([[1, 10], [3, 20]]) // [2, 15] */
export function meanForecast(forecasts: readonly (readonly number[])[]): number[] {
  if (forecasts.length === 0) throw new RangeError('a combination needs at least one member');
  return forecasts[0]!.map((_, k) => forecasts.reduce((sum, f) => sum + f[k]!, 0) / forecasts.length);
}

/** The combination's backtest: in every window, the mean of its members' forecasts for that window (members share origins). */
export function combinationBacktest(history: DemandHistory, members: readonly CandidateBacktest[]): CandidateBacktest {
  const windows = members[0]!.windows.map((w, i) => scoreWindow(history, w.origin, meanForecast(members.map((m) => m.windows[i]!.forecast)), w.scale));
  return summarise('combination', windows);
}
