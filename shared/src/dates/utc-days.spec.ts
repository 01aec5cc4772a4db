import { describe, expect, it } from 'vitest';
import { addUtcDays, dayKeyOfNumber, eachUtcDay, parseDayKey, utcDayKey, utcDayNumber, utcDayStart, utcDaysBetween, utcIsoDayOfWeek } from './utc-days.js';

describe('UTC day buckets', () => {
  it('buckets by the UTC calendar day, not the local one', () => {
    expect(utcDayKey(new Date('2026-03-01T23:59:59.999Z'))).toBe('2026-03-01');
    expect(utcDayKey(new Date('2026-03-02T00:00:00.000Z'))).toBe('2026-03-02');
    expect(utcDayKey(new Date('2026-03-01T23:30:00-05:00'))).toBe('2026-03-02');
    expect(utcDayStart(new Date('2026-03-01T17:45:00Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('steps across month ends and leap days', () => {
    expect(addUtcDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addUtcDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addUtcDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(utcDaysBetween('2026-01-01', '2026-12-31')).toBe(364);
    expect(utcDaysBetween('2026-01-08', '2026-01-01')).toBe(-7);
  });

  it('lists inclusive day ranges', () => {
    expect(eachUtcDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(eachUtcDay('2026-03-02', '2026-03-01')).toEqual([]);
  });

  it('gives the ISO day of week, Monday = 1', () => {
    expect(utcIsoDayOfWeek('2026-11-16')).toBe(1);
    expect(utcIsoDayOfWeek('2026-11-21')).toBe(6);
    expect(utcIsoDayOfWeek(new Date('2026-11-22T23:00:00Z'))).toBe(7);
  });

  it('rejects a day key that is not a real date', () => {
    expect(() => parseDayKey('2026-02-30')).toThrow(RangeError);
    expect(() => parseDayKey('2026-2-3')).toThrow(RangeError);
    expect(parseDayKey('2026-02-03').toISOString()).toBe('2026-02-03T00:00:00.000Z');
  });

  it('agrees with the ISO string of Date on every day of 1899–2101 (day numbers, weekdays, round trips)', () => {
    const first = utcDayNumber('1899-01-01');
    const last = utcDayNumber('2101-12-31');
    for (let n = first; n <= last; n += 1) {
      const date = new Date(n * 86_400_000);
      const key = date.toISOString().slice(0, 10);
      expect(dayKeyOfNumber(n)).toBe(key);
      expect(utcDayNumber(key)).toBe(n);
      // getUTCDay: 0 = Sunday; ISO: 7 = Sunday
      expect(utcIsoDayOfWeek(key)).toBe(date.getUTCDay() === 0 ? 7 : date.getUTCDay());
    }
  });

  it('rejects impossible months and days, and invalid dates', () => {
    for (const key of ['2026-13-01', '2026-00-10', '2026-04-31', '2027-02-29', '2026-01-32', '26-01-01', '2026-01-01T00:00']) {
      expect(() => utcDayNumber(key), key).toThrow(RangeError);
    }
    expect(utcDayNumber('2028-02-29')).toBe(utcDayNumber('2028-03-01') - 1);
    expect(() => utcDayKey(new Date(Number.NaN))).toThrow(RangeError);
  });
});
