/**
 * The regression's features, computed from a series the same way
 * `features/feature-engineering.ts` builds FeatureRows (lags and rolling means
 * over strictly earlier periods, trend index, calendar position, campaign and
 * holiday flags), but for any seasonal period and over a series that the
 * recursive forecast extends with its own predictions.
 *
 * For season m the lags are 1, m and 2m and the rolling means cover w and 4w
 * periods (w = max(m, 3)): for daily data (m = 7) exactly lag1/7/14 and
 * rollingMean7/28 of the feature store. The day of week becomes the position
 * in the season (m − 1 indicator columns; position 0 is the baseline), which
 * means the same for daily data and also works for months and quarters.
 */
export interface FeatureLayout {
  season: number;
  lags: number[];
  shortWindow: number;
  longWindow: number;
}

/** A trend index outside this range is clipped: see {@link featureVector}. */
const TREND_INDEX_RANGE = [0.25, 4] as const;

/** @example featureLayout(7) // { season: 7, lags: [1, 7, 14], shortWindow: 7, longWindow: 28 } */
export function featureLayout(season: number): FeatureLayout {
  const m = Math.max(1, season);
  const shortWindow = Math.max(m, 3);
  return { season: m, lags: [...new Set([1, m, 2 * m])].sort((a, b) => a - b), shortWindow, longWindow: 4 * shortWindow };
}

/** Periods of history before the first period that has every feature. */
export function warmupPeriods(layout: FeatureLayout): number {
  return Math.max(layout.lags.at(-1)!, layout.longWindow, 2 * layout.shortWindow);
}

/** Column names, in the order of {@link featureVector}; they name the weights users see. */
export function featureNames(layout: FeatureLayout): string[] {
  return [
    ...layout.lags.map((lag) => `lag${lag}`),
    `rollingMean${layout.shortWindow}`,
    `rollingMean${layout.longWindow}`,
    'trendIndex',
    ...Array.from({ length: layout.season - 1 }, (_, p) => `seasonPosition${p + 1}`),
    'campaignFlag',
    'holidayFlag',
  ];
}

/**
 * Features of period `t` from `series[0..t)` (never `series[t]` or later) and
 * the flags of period t itself, which are known in advance.
 *
 * The trend index (mean of the last w periods over the w before; 1 when the
 * earlier window is empty of demand, as in the feature store) is clipped to
 * [0.25, 4]: a nearly empty earlier window gives huge ratios that a linear
 * weight would turn into a wild forecast, amplified by the recursion.
 *
 * @example featureVector([1, 2, 3, 4, 5, 6], 6, featureLayout(1), 0, 1)
 *   // lag1 6, lag2 5, rollingMean3 5, rollingMean12 3.5, trendIndex 5/2, campaign 0, holiday 1
 */
export function featureVector(series: readonly number[], t: number, layout: FeatureLayout, campaign: number, holiday: number): number[] {
  const w = layout.shortWindow;
  const recent = windowMean(series, t - w, t);
  const before = windowMean(series, t - 2 * w, t - w);
  const trendIndex = before === 0 ? 1 : Math.min(TREND_INDEX_RANGE[1], Math.max(TREND_INDEX_RANGE[0], recent / before));
  const position = t % layout.season;
  // Filled in place, not spread together: the regression builds one row per period and per forecast step.
  const row = new Array<number>(layout.lags.length + layout.season + 4);
  let j = 0;
  for (const lag of layout.lags) row[j++] = series[t - lag] ?? 0;
  row[j++] = recent;
  row[j++] = windowMean(series, t - layout.longWindow, t);
  row[j++] = trendIndex;
  for (let p = 1; p < layout.season; p += 1) row[j++] = position === p ? 1 : 0;
  row[j++] = campaign;
  row[j] = holiday;
  return row;
}

/** Mean of series[from..to), clipped at 0; 0 for an empty window. */
function windowMean(series: readonly number[], from: number, to: number): number {
  const start = Math.max(0, from);
  if (to <= start) return 0;
  let sum = 0;
  for (let j = start; j < to; j += 1) sum += series[j]!;
  return sum / (to - start);
}
