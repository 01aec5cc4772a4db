import { UTCDate } from '@date-fns/utc';
import { addDays, differenceInCalendarDays, eachDayOfInterval, format, getISODay, parseISO, startOfDay } from 'date-fns';

/**
 * Daily facts, features and forecasts are bucketed by UTC calendar day, so a
 * sale at 23:30 in one time zone and 00:30 in the next land where analytics
 * expects them regardless of the server's local zone. A day is named by its
 * ISO date string, `YYYY-MM-DD`.
 */
export type DayKey = string;

const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight UTC of the day containing `date`. @example utcDayStart(new Date('2026-03-01T23:59:00Z')) // 2026-03-01T00:00:00Z */
export function utcDayStart(date: Date | number): Date {
  return new Date(startOfDay(new UTCDate(date)).getTime());
}

/** The UTC day `date` falls in. @example utcDayKey(new Date('2026-03-01T23:59:00Z')) // '2026-03-01' */
export function utcDayKey(date: Date | number): DayKey {
  return format(new UTCDate(date), 'yyyy-MM-dd');
}

/** Midnight UTC of a day key; throws RangeError on anything but a real `YYYY-MM-DD` date. */
export function parseDayKey(key: DayKey): Date {
  const parsed = DAY_KEY.test(key) ? parseISO(`${key}T00:00:00Z`) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime()) || utcDayKey(parsed) !== key) {
    throw new RangeError(`Not a calendar day (YYYY-MM-DD): ${key}`);
  }
  return parsed;
}

/** The day key `days` after (or before, when negative) `key`. @example addUtcDays('2026-02-28', 1) // '2026-03-01' */
export function addUtcDays(key: DayKey, days: number): DayKey {
  return utcDayKey(addDays(new UTCDate(parseDayKey(key)), days));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). @example utcDaysBetween('2026-01-01', '2026-01-08') // 7 */
export function utcDaysBetween(from: DayKey, to: DayKey): number {
  return differenceInCalendarDays(new UTCDate(parseDayKey(to)), new UTCDate(parseDayKey(from)));
}

/** Every day key from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachUtcDay(from: DayKey, to: DayKey): DayKey[] {
  if (utcDaysBetween(from, to) < 0) return [];
  return eachDayOfInterval({ start: new UTCDate(parseDayKey(from)), end: new UTCDate(parseDayKey(to)) }).map(utcDayKey);
}

/** ISO day of week of a UTC day: 1 = Monday … 7 = Sunday. @example utcIsoDayOfWeek('2026-11-21') // 6 (Saturday) */
export function utcIsoDayOfWeek(day: DayKey | Date): number {
  const date = typeof day === 'string' ? parseDayKey(day) : day;
  return getISODay(new UTCDate(date));
}
