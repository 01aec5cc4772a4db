import type { DemandHistory, FutureRegressors } from './forecasting.types.js';

/** What callers pass: only the values are required. */
export interface SeriesInput {
  values: readonly number[];
  /** Stock-out per period (censored demand); default none. */
  censored?: readonly boolean[];
  /** Campaign flag (0/1) per period; default 0. */
  campaign?: readonly number[];
  /** Holiday flag (0/1) per period; default 0. */
  holiday?: readonly number[];
}

/**
 * A full {@link DemandHistory} from a caller's series: flags default to none,
 * and every array must match the values in length and be finite.
 *
 * @example toDemandHistory({ values: [1, 2] }).censored // [false, false]
 */
export function toDemandHistory(input: SeriesInput): DemandHistory {
  const n = input.values.length;
  input.values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`value ${i} must be a finite number, got ${v}`);
  });
  const flags = (name: string, given: readonly number[] | undefined): number[] => {
    if (given === undefined) return new Array<number>(n).fill(0);
    if (given.length !== n) throw new RangeError(`${name} has ${given.length} entries for ${n} values`);
    return given.map((v, i) => {
      if (!Number.isFinite(v)) throw new RangeError(`${name} ${i} must be a finite number, got ${v}`);
      return v;
    });
  };
  if (input.censored !== undefined && input.censored.length !== n) {
    throw new RangeError(`censored has ${input.censored.length} entries for ${n} values`);
  }
  return {
    values: [...input.values],
    censored: input.censored === undefined ? new Array<boolean>(n).fill(false) : [...input.censored],
    campaign: flags('campaign', input.campaign),
    holiday: flags('holiday', input.holiday),
  };
}

/**
 * The first `length` periods of a history, as fresh frozen arrays: what a
 * model sees in a backtest window. A model handed this cannot read (or
 * modify) any later period, whatever it does.
 */
export function trainingSlice(history: DemandHistory, length: number): DemandHistory {
  return Object.freeze({
    values: Object.freeze(history.values.slice(0, length)),
    censored: Object.freeze(history.censored.slice(0, length)),
    campaign: Object.freeze(history.campaign.slice(0, length)),
    holiday: Object.freeze(history.holiday.slice(0, length)),
  });
}

/** The flags of periods [from, from + horizon): known in advance, so a backtest may pass them on. */
export function regressorsAhead(history: DemandHistory, from: number, horizon: number): FutureRegressors {
  return {
    campaign: history.campaign.slice(from, from + horizon),
    holiday: history.holiday.slice(from, from + horizon),
  };
}
