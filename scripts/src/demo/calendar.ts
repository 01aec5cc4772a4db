// Days as integers (days since 1970-01-01 UTC): the simulation steps through
// 730 of them per series, so it avoids Date objects until it emits documents.
import { easterSunday as sharedEasterSunday, thanksgiving } from '@icc/shared';

export const DAY_MS = 86_400_000;

/** @example dayNumber('1970-01-02') // 1 */
export function dayNumber(key: string): number {
  const ms = Date.parse(`${key}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`Not a day: ${key}`);
  return ms / DAY_MS;
}

/** @example dayKey(1) // '1970-01-02' */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  return ((day + 3) % 7) + 1;
}

export function dayOfYear(day: number): number {
  const date = new Date(day * DAY_MS);
  return day - Date.UTC(date.getUTCFullYear(), 0, 1) / DAY_MS + 1;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

const utc = (year: number, month: number, date: number) => Date.UTC(year, month - 1, date) / DAY_MS;

/** Easter Sunday, as day number (the dates come from the product's one holiday calendar). @example dayKey(easterSunday(2025)) // '2025-04-20' */
export function easterSunday(year: number): number {
  return dayNumber(sharedEasterSunday(year));
}

/** The Friday after the fourth Thursday of November. @example dayKey(blackFriday(2025)) // '2025-11-28' */
export function blackFriday(year: number): number {
  return dayNumber(thanksgiving(year)) + 1;
}

export type Channel = 'store' | 'dc';

/**
 * Demand multiplier of holidays and shopping events on a day, per channel:
 * the Black Friday weekend (and Cyber Monday online), the Christmas run-up,
 * Christmas Day closed, the New Year lull, Easter (busy week before, closed
 * Sunday, quiet Monday). Everything else is 1.
 *
 * @example holidayFactor(blackFriday(2025), 'store') // 2.6
 */
export function holidayFactor(day: number, channel: Channel): number {
  const year = yearOf(day);
  const bf = blackFriday(year);
  if (day === bf) return channel === 'store' ? 2.6 : 3.2;
  if (day === bf + 1 || day === bf + 2) return 1.5;
  if (day === bf + 3) return channel === 'dc' ? 2.2 : 1.1;
  const easter = easterSunday(year);
  if (day === easter) return channel === 'store' ? 0 : 0.4;
  if (day === easter + 1) return 0.6;
  if (day >= easter - 6 && day <= easter - 1) return 1.25;
  const dec = utc(year, 12, 1);
  const doy = day - dec; // 0 = Dec 1
  if (doy >= 0 && doy <= 22) return 1.1 + (0.7 * doy) / 22; // run-up to Christmas
  if (doy === 23) return channel === 'store' ? 1.3 : 0.8; // Christmas Eve
  if (doy === 24) return channel === 'store' ? 0 : 0.2; // Christmas Day
  if (doy === 25) return 0.6;
  if (doy >= 26) return 0.9;
  const jan = day - utc(year, 1, 1);
  if (jan === 0) return channel === 'store' ? 0 : 0.3;
  if (jan >= 1 && jan <= 13) return 0.65 + (0.35 * jan) / 14; // New Year lull
  return 1;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

/** Minutes the zone is ahead of UTC around noon UTC of `day` (cached per zone and day). */
function zoneOffsetMinutes(timeZone: string, day: number): number {
  const key = `${timeZone}\u0000${day}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const instant = day * DAY_MS + 12 * 3_600_000;
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  const minutes = Math.round((local - instant) / 60_000);
  offsets.set(key, minutes);
  return minutes;
}

/**
 * The instant of a local wall-clock time on a UTC day in an IANA zone.
 * @example localInstant(dayNumber('2025-07-01'), 9.5, 'Europe/Amsterdam').toISOString() // '2025-07-01T07:30:00.000Z'
 */
export function localInstant(day: number, localHour: number, timeZone: string): Date {
  const ms = day * DAY_MS + Math.round(localHour * 3_600_000) - zoneOffsetMinutes(timeZone, day) * 60_000;
  return new Date(Math.round(ms / 1000) * 1000);
}
