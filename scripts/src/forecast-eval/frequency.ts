import { InputError } from '../forecast-csv/read-series.js';
import type { NamedSeries } from '../series-set/long-format.js';

export const FREQUENCIES = ['yearly', 'quarterly', 'monthly', 'weekly', 'daily'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/**
 * Per frequency: the horizon held back (the M4 competition's: Makridakis et al.
 * 2020) and the seasonal period given to the engine and to seasonal naive.
 * Weekly series get no season (52 would need years of history per series, as
 * in M4); daily ones a weekly season, as retail demand has one (M4 used 1 for
 * its mostly financial daily series, so its daily MASE is not comparable).
 */
export const FREQUENCY_DEFAULTS: Record<Frequency, { horizon: number; season: number }> = {
  yearly: { horizon: 6, season: 1 },
  quarterly: { horizon: 8, season: 4 },
  monthly: { horizon: 18, season: 12 },
  weekly: { horizon: 13, season: 1 },
  daily: { horizon: 14, season: 7 },
};

/** The M4 data set's series names: a frequency letter and a number (`Y12`, `M4021`). */
const M4_NAME = /^([yqmwd])\d+$/i;
const BY_LETTER: Record<string, Frequency> = { y: 'yearly', q: 'quarterly', m: 'monthly', w: 'weekly', d: 'daily' };

/**
 * A series' frequency: the one given (`--frequency`), else read from its
 * dates (every gap 1 or 7 days, or 1, 3 or 12 calendar months), else from an
 * M4-style name (`Y12` yearly, `Q3` quarterly, `M40` monthly, `W7` weekly,
 * `D1` daily). Otherwise an {@link InputError} naming the series.
 *
 * @example frequencyOf({ name: 'a', values: [1, 2], dates: ['2026-01-01', '2026-02-01'] }) // 'monthly'
 * @example frequencyOf({ name: 'Q17', values: [1, 2] })                                   // 'quarterly'
 */
export function frequencyOf(series: NamedSeries, given?: Frequency): Frequency {
  if (given !== undefined) return given;
  if (series.dates !== undefined && series.dates.length >= 2) {
    const fromDates = frequencyOfDates(series.dates);
    if (fromDates !== undefined) return fromDates;
    throw new InputError(`series "${series.name}": its dates are not evenly daily, weekly, monthly, quarterly or yearly; give --frequency`);
  }
  const letter = M4_NAME.exec(series.name)?.[1];
  if (letter !== undefined) return BY_LETTER[letter.toLowerCase()]!;
  throw new InputError(`series "${series.name}": no dates to tell its frequency from and no M4-style name (Y1, Q1, M1, W1, D1); give --frequency`);
}

function frequencyOfDates(dates: readonly string[]): Frequency | undefined {
  const days = dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 86_400_000);
  const dayGaps = new Set(days.slice(1).map((d, i) => d - days[i]!));
  if (dayGaps.size === 1 && dayGaps.has(1)) return 'daily';
  if (dayGaps.size === 1 && dayGaps.has(7)) return 'weekly';
  const months = dates.map((d) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1);
  const monthGaps = new Set(months.slice(1).map((m, i) => m - months[i]!));
  if (monthGaps.size !== 1) return undefined;
  return ({ 1: 'monthly', 3: 'quarterly', 12: 'yearly' } as Record<number, Frequency | undefined>)[[...monthGaps][0]!];
}
