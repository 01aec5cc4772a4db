import { describe, expect, it } from 'vitest';
import { blackFriday, dayKey, dayNumber, easterSunday, holidayFactor, isoWeekday, localInstant } from './calendar.js';

describe('demo calendar', () => {
  it('computes Easter and Black Friday per year', () => {
    expect([2024, 2025, 2026, 2027].map((y) => dayKey(easterSunday(y)))).toEqual(['2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28']);
    expect([2024, 2025, 2026].map((y) => dayKey(blackFriday(y)))).toEqual(['2024-11-29', '2025-11-28', '2026-11-27']);
  });

  it('shapes holidays: Black Friday peak, Christmas Day closed, the New Year lull', () => {
    expect(holidayFactor(blackFriday(2025), 'store')).toBeGreaterThan(2);
    expect(holidayFactor(dayNumber('2025-12-20'), 'store')).toBeGreaterThan(1.5);
    expect(holidayFactor(dayNumber('2025-12-25'), 'store')).toBe(0);
    expect(holidayFactor(dayNumber('2026-01-05'), 'dc')).toBeLessThan(0.9);
    expect(holidayFactor(dayNumber('2026-03-10'), 'store')).toBe(1);
  });

  it('turns local shop hours into instants, daylight saving included', () => {
    expect(localInstant(dayNumber('2025-07-01'), 9.5, 'Europe/Amsterdam').toISOString()).toBe('2025-07-01T07:30:00.000Z');
    expect(localInstant(dayNumber('2025-01-15'), 9.5, 'Europe/Amsterdam').toISOString()).toBe('2025-01-15T08:30:00.000Z');
    expect(localInstant(dayNumber('2025-01-15'), 9, 'Europe/London').toISOString()).toBe('2025-01-15T09:00:00.000Z');
    expect(isoWeekday(dayNumber('2026-04-27'))).toBe(1);
  });
});
