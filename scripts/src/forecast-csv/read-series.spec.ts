import { describe, expect, it } from 'vitest';
import { nextDates } from './future-dates.js';
import { InputError, readSeriesCsv } from './read-series.js';

describe('readSeriesCsv', () => {
  it('reads a value column and an optional date column, in any order and case', () => {
    expect(readSeriesCsv('Value,Date,sku\n3,2026-01-01,A\n4.5,2026-01-02,A\n')).toEqual({
      values: [3, 4.5],
      dates: ['2026-01-01', '2026-01-02'],
    });
    expect(readSeriesCsv('value\n1\n\n2\n')).toEqual({ values: [1, 2] });
  });

  it('reads one number per line without a header', () => {
    expect(readSeriesCsv('1\n-2\n3e1\n')).toEqual({ values: [1, -2, 30] });
  });

  it('names the line of a value that is not a number, counting blank lines', () => {
    expect(() => readSeriesCsv('value\n1\n\nabc\n')).toThrow(new InputError('line 4: "abc" is not a number'));
    expect(() => readSeriesCsv('value\n1\n\n')).not.toThrow();
    expect(() => readSeriesCsv('date,value\n2026-01-01,\n')).toThrow(/line 2: "" is not a number/);
  });

  it('refuses files without a value column, without values, or with dates out of order', () => {
    expect(() => readSeriesCsv('a,b\n1,2\n')).toThrow(/"value" column/);
    expect(() => readSeriesCsv('')).toThrow(/no values/);
    expect(() => readSeriesCsv('value\n')).toThrow(/no values/);
    expect(() => readSeriesCsv('date,value\n2026-01-02,1\n2026-01-01,2\n')).toThrow(/line 3: date 2026-01-01 does not come after 2026-01-02/);
    expect(() => readSeriesCsv('date,value\n01/02/2026,1\n')).toThrow(/not a YYYY-MM-DD day/);
  });
});

describe('nextDates', () => {
  it('continues evenly spaced days and calendar months, and gives up on anything else', () => {
    expect(nextDates(['2026-01-30', '2026-01-31'], 2)).toEqual(['2026-02-01', '2026-02-02']);
    expect(nextDates(['2026-01-05', '2026-01-12'], 1)).toEqual(['2026-01-19']);
    expect(nextDates(['2025-11-01', '2025-12-01', '2026-01-01'], 2)).toEqual(['2026-02-01', '2026-03-01']);
    expect(nextDates(['2026-01-01', '2026-01-02', '2026-01-05'], 1)).toBeUndefined();
    expect(nextDates(['2026-01-01'], 1)).toBeUndefined();
  });
});
