import { addUtcDays, eachUtcDay, utcDayNumber, utcDaysBetween, type DayKey } from './utc-days.js';

/**
 * A deterministic holiday calendar by UTC day. Demand features (holidayFlag),
 * the demo-data generator and planning must agree on which days are holidays,
 * so there is one calendar, computed (never fetched) and the same everywhere.
 *
 * It is a retail calendar, not one country's public holidays: the days on which
 * demand in a typical Western retail business departs from an ordinary weekday
 * (fixed dates, Easter-based days, US Thanksgiving and Black Friday).
 */
export interface Holiday {
  day: DayKey;
  name: string;
}

/** The years the calendar answers for; outside them the Easter rule and the use cases stop making sense. */
export const HOLIDAY_YEARS = { from: 1900, to: 2199 } as const;

/**
 * Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher).
 * @example easterSunday(2026) // '2026-04-05'
 */
export function easterSunday(year: number): DayKey {
  assertYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayKey(year, month, day);
}

/**
 * US Thanksgiving: the fourth Thursday of November.
 * @example thanksgiving(2026) // '2026-11-26'
 */
export function thanksgiving(year: number): DayKey {
  assertYear(year);
  // getUTCDay: 0 = Sunday … 4 = Thursday; the first Thursday falls within Nov 1–7.
  const novFirstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - novFirstWeekday + 7) % 7);
  return dayKey(year, 11, firstThursday + 21);
}

const cache = new Map<number, readonly Holiday[]>();

/**
 * Every holiday of one year, in calendar order.
 * @example holidaysOfYear(2026).find((h) => h.name === 'Black Friday') // { day: '2026-11-27', name: 'Black Friday' }
 */
export function holidaysOfYear(year: number): readonly Holiday[] {
  assertYear(year);
  const cached = cache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const thanks = thanksgiving(year);
  const list: Holiday[] = [
    { day: dayKey(year, 1, 1), name: "New Year's Day" },
    { day: addUtcDays(easter, -2), name: 'Good Friday' },
    { day: addUtcDays(easter, 1), name: 'Easter Monday' },
    { day: dayKey(year, 5, 1), name: 'May Day' },
    { day: thanks, name: 'Thanksgiving' },
    { day: addUtcDays(thanks, 1), name: 'Black Friday' },
    { day: dayKey(year, 12, 24), name: 'Christmas Eve' },
    { day: dayKey(year, 12, 25), name: 'Christmas Day' },
    { day: dayKey(year, 12, 26), name: 'Boxing Day' },
    { day: dayKey(year, 12, 31), name: "New Year's Eve" },
  ];
  // Easter can move Good Friday into late March and Easter Monday to late April: sort, don't assume.
  list.sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : 0));
  const frozen = Object.freeze(list.map((h) => Object.freeze(h)));
  cache.set(year, frozen);
  return frozen;
}

/**
 * The holiday on `day`, if any.
 * @example holidayOn('2026-12-25') // { day: '2026-12-25', name: 'Christmas Day' }
 */
export function holidayOn(day: DayKey): Holiday | undefined {
  return holidaysOfYear(yearOf(day)).find((h) => h.day === day);
}

const daySets = new Map<number, ReadonlySet<DayKey>>();

/**
 * Is `day` a holiday of the calendar? (A set lookup: features ask this for every day of every SKU.)
 * @example isHoliday('2026-11-27') // true (Black Friday)
 */
export function isHoliday(day: DayKey): boolean {
  const year = yearOf(day);
  let days = daySets.get(year);
  if (!days) daySets.set(year, (days = new Set(holidaysOfYear(year).map((h) => h.day))));
  return days.has(day);
}

/** The year of a (validated) day key. */
function yearOf(day: DayKey): number {
  utcDayNumber(day);
  return Number(day.slice(0, 4));
}

/**
 * Holidays from `from` to `to`, both included, in order; empty when `to` is before `from`.
 * @example holidaysBetween('2026-12-24', '2026-12-26').map((h) => h.name) // ['Christmas Eve', 'Christmas Day', 'Boxing Day']
 */
export function holidaysBetween(from: DayKey, to: DayKey): Holiday[] {
  if (utcDaysBetween(from, to) < 0) return [];
  const first = yearOf(from);
  const last = yearOf(to);
  const out: Holiday[] = [];
  for (let year = first; year <= last; year += 1) {
    for (const h of holidaysOfYear(year)) if (h.day >= from && h.day <= to) out.push(h);
  }
  return out;
}

/**
 * The set of holiday days between two days (both included), for fast lookups over long series.
 * @example holidaySet('2026-01-01', '2026-12-31').has('2026-04-03') // true (Good Friday)
 */
export function holidaySet(from: DayKey, to: DayKey): ReadonlySet<DayKey> {
  return new Set(holidaysBetween(from, to).map((h) => h.day));
}

/**
 * Each day from `from` to `to` with its holiday name (null on ordinary days): one call gives
 * a chart or a data generator the whole calendar without a lookup per day.
 * @example holidayCalendar('2026-12-30', '2026-12-31') // [{ day: '2026-12-30', holiday: null }, { day: '2026-12-31', holiday: "New Year's Eve" }]
 */
export function holidayCalendar(from: DayKey, to: DayKey): { day: DayKey; holiday: string | null }[] {
  const byDay = new Map(holidaysBetween(from, to).map((h) => [h.day, h.name]));
  return eachUtcDay(from, to).map((day) => ({ day, holiday: byDay.get(day) ?? null }));
}

function dayKey(year: number, month: number, day: number): DayKey {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < HOLIDAY_YEARS.from || year > HOLIDAY_YEARS.to) {
    throw new RangeError(`Holiday calendar covers ${HOLIDAY_YEARS.from}–${HOLIDAY_YEARS.to}, not ${year}`);
  }
}
