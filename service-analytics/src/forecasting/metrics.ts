/**
 * Forecast accuracy metrics. Pure; the backtest uses them to pick a model and
 * the accuracy tracking of stored forecasts reuses them, so both speak the same
 * numbers. Every function takes actuals and forecasts of the same length
 * (and throws on a mismatch or on no points at all); only bias has a sign.
 */

/**
 * Mean absolute error.
 *
 * @example mae([10, 20], [12, 17]) // 2.5
 */
export function mae(actual: readonly number[], forecast: readonly number[]): number {
  return meanOver(actual, forecast, (a, f) => Math.abs(a - f));
}

/**
 * Root mean squared error: punishes large misses more than MAE.
 *
 * @example rmse([10, 20], [12, 17]) // √((4 + 9) / 2) ≈ 2.5495
 */
export function rmse(actual: readonly number[], forecast: readonly number[]): number {
  return Math.sqrt(meanOver(actual, forecast, (a, f) => (a - f) ** 2));
}

/**
 * Mean absolute percentage error, in percent. Periods with a zero actual are
 * skipped (the percentage is undefined there); null when every actual is zero.
 *
 * @example mape([10, 0, 20], [12, 5, 15]) // (20 + 25) / 2 = 22.5
 */
export function mape(actual: readonly number[], forecast: readonly number[]): number | null {
  assertSameLength(actual, forecast);
  let sum = 0;
  let n = 0;
  actual.forEach((a, i) => {
    if (a === 0) return;
    sum += Math.abs((a - forecast[i]!) / a);
    n += 1;
  });
  return n === 0 ? null : (100 * sum) / n;
}

/**
 * Symmetric MAPE in percent (0–200): |a − f| / ((|a| + |f|) / 2). A period
 * where both are zero is a perfect forecast (0), not a division by zero.
 *
 * @example smape([10, 0], [30, 0]) // (100 + 0) / 2 = 50
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  return (
    100 *
    meanOver(actual, forecast, (a, f) => {
      const denominator = (Math.abs(a) + Math.abs(f)) / 2;
      return denominator === 0 ? 0 : Math.abs(a - f) / denominator;
    })
  );
}

/**
 * Mean absolute scaled error: MAE divided by `scale`, normally the in-sample
 * MAE of the seasonal naive forecast on the training part
 * ({@link seasonalNaiveScale}). Below 1 = better than repeating last season.
 *
 * @example mase([10, 20], [12, 17], 5) // 2.5 / 5 = 0.5
 */
export function mase(actual: readonly number[], forecast: readonly number[], scale: number): number {
  if (!(scale > 0)) throw new RangeError(`the MASE scale must be positive, got ${scale}`);
  return mae(actual, forecast) / scale;
}

/**
 * Mean error `forecast − actual`: positive = the forecast runs high
 * (over-stocking), negative = it runs low (stock-outs).
 *
 * @example bias([10, 20], [12, 17]) // (2 − 3) / 2 = −0.5
 */
export function bias(actual: readonly number[], forecast: readonly number[]): number {
  return meanOver(actual, forecast, (a, f) => f - a);
}

/**
 * In-sample MAE of the seasonal naive forecast (`y[t] ≈ y[t − season]`) on a
 * training series: the denominator of MASE. Pairs where either side is
 * censored (`usable[i]` false) are left out, so stock-outs do not make the
 * naive benchmark look worse than it is. With no usable pair, or a series that
 * repeats exactly (scale 0), the scale falls back to the mean absolute value
 * of the usable points, then to 1, so MASE stays defined (a flat series is not
 * a reason to divide by zero).
 *
 * @example seasonalNaiveScale([1, 5, 2, 7], 2) // (|2 − 1| + |7 − 5|) / 2 = 1.5
 */
export function seasonalNaiveScale(training: readonly number[], season: number, usable?: readonly boolean[]): number {
  return seasonalNaiveScales(training, season, [training.length], usable)[0]!;
}

/**
 * {@link seasonalNaiveScale} of every prefix `series[0..length)` for the
 * given ascending lengths, in one pass: the MASE scales of the windows of a
 * rolling-origin backtest (a window's training part is the prefix before its
 * origin). The sums run in the same order as for a single prefix, so each
 * scale is exactly the one {@link seasonalNaiveScale} gives for that prefix.
 *
 * @example seasonalNaiveScales([1, 5, 2, 7], 2, [3, 4]) // [1, 1.5]
 */
export function seasonalNaiveScales(series: readonly number[], season: number, lengths: readonly number[], usable?: readonly boolean[]): number[] {
  const lag = Math.max(1, season);
  const ok = (i: number) => usable === undefined || usable[i] === true;
  let pairSum = 0;
  let pairs = 0;
  let levelSum = 0;
  let levels = 0;
  let t = 0;
  return lengths.map((length) => {
    if (length < t) throw new RangeError(`prefix lengths must ascend, got ${length} after ${t}`);
    for (; t < length; t += 1) {
      if (!ok(t)) continue;
      levelSum += Math.abs(series[t]!);
      levels += 1;
      if (t >= lag && ok(t - lag)) {
        pairSum += Math.abs(series[t]! - series[t - lag]!);
        pairs += 1;
      }
    }
    if (pairs > 0 && pairSum > 0) return pairSum / pairs;
    const meanLevel = levels === 0 ? 0 : levelSum / levels;
    return meanLevel > 0 ? meanLevel : 1;
  });
}

export interface AccuracyReport {
  n: number;
  mae: number;
  rmse: number;
  /** Percent; null when every actual is zero. */
  mape: number | null;
  /** Percent, 0–200. */
  smape: number;
  mase: number;
  bias: number;
}

/**
 * Every metric at once, MASE scaled by the seasonal naive MAE of `training`.
 *
 * @example
 *   accuracy([10, 20], [12, 17], { training: [1, 5, 2, 7], season: 2 })
 *   // { n: 2, mae: 2.5, rmse: 2.5495…, mape: 17.5, smape: 18.18…, mase: 1.6667, bias: -0.5 }
 */
export function accuracy(
  actual: readonly number[],
  forecast: readonly number[],
  options: { training: readonly number[]; season: number; usable?: readonly boolean[] },
): AccuracyReport {
  return {
    n: actual.length,
    mae: mae(actual, forecast),
    rmse: rmse(actual, forecast),
    mape: mape(actual, forecast),
    smape: smape(actual, forecast),
    mase: mase(actual, forecast, seasonalNaiveScale(options.training, options.season, options.usable)),
    bias: bias(actual, forecast),
  };
}

function meanOver(actual: readonly number[], forecast: readonly number[], term: (a: number, f: number) => number): number {
  assertSameLength(actual, forecast);
  if (actual.length === 0) throw new RangeError('no points to measure accuracy on');
  let sum = 0;
  actual.forEach((a, i) => {
    sum += term(a, forecast[i]!);
  });
  return sum / actual.length;
}

function assertSameLength(actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length !== forecast.length) {
    throw new RangeError(`actuals (${actual.length}) and forecasts (${forecast.length}) differ in length`);
  }
}
