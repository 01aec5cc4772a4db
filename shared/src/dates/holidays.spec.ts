import { describe, expect, it } from 'vitest';
import { easterSunday, holidayCalendar, holidayOn, holidaysBetween, holidaysOfYear, holidaySet, isHoliday, thanksgiving } from './holidays.js';

describe('holiday calendar', () => {
  it('computes Easter Sunday for known years (including the earliest and latest cases)', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2008)).toBe('2008-03-23');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(1943)).toBe('1943-04-25');
    expect(easterSunday(2018)).toBe('2018-04-01');
  });

  it('puts Thanksgiving on the fourth Thursday of November and Black Friday the day after', () => {
    expect(thanksgiving(2024)).toBe('2024-11-28');
    expect(thanksgiving(2025)).toBe('2025-11-27');
    expect(thanksgiving(2026)).toBe('2026-11-26');
    expect(thanksgiving(2018)).toBe('2018-11-22'); // Nov 1st was a Thursday
    expect(holidayOn('2026-11-27')?.name).toBe('Black Friday');
    expect(holidayOn('2025-11-28')?.name).toBe('Black Friday');
  });

  it('lists every holiday of 2026 in order', () => {
    expect(holidaysOfYear(2026)).toEqual([
      { day: '2026-01-01', name: "New Year's Day" },
      { day: '2026-04-03', name: 'Good Friday' },
      { day: '2026-04-06', name: 'Easter Monday' },
      { day: '2026-05-01', name: 'May Day' },
      { day: '2026-11-26', name: 'Thanksgiving' },
      { day: '2026-11-27', name: 'Black Friday' },
      { day: '2026-12-24', name: 'Christmas Eve' },
      { day: '2026-12-25', name: 'Christmas Day' },
      { day: '2026-12-26', name: 'Boxing Day' },
      { day: '2026-12-31', name: "New Year's Eve" },
    ]);
  });

  it('sorts Good Friday before May Day even in a late-Easter year', () => {
    const days = holidaysOfYear(2038).map((h) => h.day);
    expect(days).toEqual([...days].sort());
    expect(days).toContain('2038-04-23');
    expect(days).toContain('2038-04-26');
  });

  it('answers isHoliday by UTC day', () => {
    expect(isHoliday('2026-04-03')).toBe(true);
    expect(isHoliday('2026-04-05')).toBe(false); // Easter Sunday itself is not in the retail calendar
    expect(isHoliday('2026-07-04')).toBe(false);
    expect(isHoliday('2027-01-01')).toBe(true);
    expect(() => isHoliday('2026-02-30')).toThrow(RangeError);
  });

  it('lists holidays between two days across a year boundary, both ends included', () => {
    expect(holidaysBetween('2025-12-24', '2026-01-01').map((h) => h.day)).toEqual(['2025-12-24', '2025-12-25', '2025-12-26', '2025-12-31', '2026-01-01']);
    expect(holidaysBetween('2026-01-02', '2026-01-01')).toEqual([]);
    expect(holidaysBetween('2024-01-01', '2026-12-31')).toHaveLength(30);
    expect(holidaySet('2026-11-01', '2026-11-30')).toEqual(new Set(['2026-11-26', '2026-11-27']));
  });

  it('gives a day-by-day calendar', () => {
    expect(holidayCalendar('2026-12-30', '2026-12-31')).toEqual([
      { day: '2026-12-30', holiday: null },
      { day: '2026-12-31', holiday: "New Year's Eve" },
    ]);
  });

  it('refuses years outside its range', () => {
    expect(() => easterSunday(1583)).toThrow(RangeError);
    expect(() => thanksgiving(2200)).toThrow(RangeError);
  });
});
