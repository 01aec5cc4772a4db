import { describe, expect, it } from 'vitest';
import { frequencyOf } from './frequency.js';

const dated = (dates: string[]) => ({ name: 'x', values: dates.map(() => 1), dates });

describe('frequencyOf', () => {
  it('takes the given frequency first, then the dates, then an M4-style name', () => {
    expect(frequencyOf(dated(['2026-01-01', '2026-01-02']), 'weekly')).toBe('weekly');
    expect(frequencyOf(dated(['2026-01-01', '2026-01-02', '2026-01-03']))).toBe('daily');
    expect(frequencyOf(dated(['2026-01-05', '2026-01-12']))).toBe('weekly');
    expect(frequencyOf(dated(['2025-11-30', '2025-12-30', '2026-01-30']))).toBe('monthly');
    expect(frequencyOf(dated(['2025-10-01', '2026-01-01', '2026-04-01']))).toBe('quarterly');
    expect(frequencyOf(dated(['2024-12-31', '2025-12-31']))).toBe('yearly');
    expect(frequencyOf({ name: 'M4021', values: [1] })).toBe('monthly');
    expect(frequencyOf({ name: 'd7', values: [1] })).toBe('daily');
  });

  it('refuses uneven dates and nameless, dateless series, naming the series', () => {
    expect(() => frequencyOf({ ...dated(['2026-01-01', '2026-01-02', '2026-01-05']), name: 'shop' })).toThrow(/series "shop": its dates are not evenly/);
    expect(() => frequencyOf({ name: 'sales', values: [1, 2] })).toThrow(/series "sales": no dates .*give --frequency/);
    expect(() => frequencyOf({ name: 'H12', values: [1] })).toThrow(/give --frequency/);
  });
});
