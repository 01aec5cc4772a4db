import { scoreWindow, summarise, type CandidateBacktest } from '../backtest.js';
import type { DemandHistory } from '../forecasting.types.js';

/**
 * Element-wise median of several forecasts of the same length: the ensemble's
 * forecast. The median (not the mean) so one member that runs away — a trend
 * extrapolated too far — cannot drag the ensemble with it.
 *
 * @example medianForecast([[1, 10], [2, 20], [9, 30]]) // [2, 20]
 */
export function medianForecast(forecasts: readonly (readonly number[])[]): number[] {
  if (forecasts.length === 0) throw new RangeError('an ensemble needs at least one member');
  const length = forecasts[0]!.length;
  // One typed scratch column, sorted numerically in place: the backtest takes a median per step of every window.
  const sorted = new Float64Array(forecasts.length);
  const mid = Math.floor(sorted.length / 2);
  return Array.from({ length }, (_, k) => {
    forecasts.forEach((f, i) => {
      sorted[i] = f[k]!;
    });
    sorted.sort();
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  });
}

/**
 * The ensemble's own backtest: in every window, the median of its members'
 * forecasts for that window (members are themselves leak-free), scored like
 * any candidate. Members must share origins (they come from one backtest plan).
 *
 * The members are the best k by backtest MASE over the same windows, so the
 * ensemble's score is slightly optimistic: choosing them used those windows.
 */
export function ensembleBacktest(history: DemandHistory, members: readonly CandidateBacktest[]): CandidateBacktest {
  const windows = members[0]!.windows.map((w, i) => scoreWindow(history, w.origin, medianForecast(members.map((m) => m.windows[i]!.forecast)), w.scale));
  return summarise('ensemble', windows);
}
