import { describe, expect, it } from 'vitest';
import { InputError } from '../forecast-csv/read-series.js';
import { headerOf, readLongFormatCsv } from './long-format.js';

describe('readLongFormatCsv', () => {
  it('groups interleaved rows by series in first-seen order, any column order and case', () => {
    expect(readLongFormatCsv('Value,SKU,Date\n3,b,2026-01-01\n5,a,2026-01-01\n4,b,2026-01-02\n', 'sku')).toEqual([
      { name: 'b', values: [3, 4], dates: ['2026-01-01', '2026-01-02'] },
      { name: 'a', values: [5], dates: ['2026-01-01'] },
    ]);
    expect(readLongFormatCsv('series,value\nx,1\nx,2\n', 'series')).toEqual([{ name: 'x', values: [1, 2] }]);
  });

  it('names the line and the series of a bad row', () => {
    expect(() => readLongFormatCsv('series,value\nx,1\ny,\n', 'series')).toThrow(new InputError('line 3: "" is not a number'));
    expect(() => readLongFormatCsv('series,value\n,1\n', 'series')).toThrow(/line 2: no series name in column "series"/);
    expect(() => readLongFormatCsv('series,date,value\nx,2026-01-02,1\nx,2026-01-02,2\n', 'series')).toThrow(
      /line 3: series x: date 2026-01-02 does not come after 2026-01-02/,
    );
    expect(() => readLongFormatCsv('series,amount\nx,1\n', 'series')).toThrow(/needs a "value" column/);
    expect(() => readLongFormatCsv('series,value\n', 'series')).toThrow(/header but no values/);
  });

  it('reads only the header line to tell the format', () => {
    expect(headerOf('Series,Value\nthis line, "is never parsed\n')).toEqual(['series', 'value']);
    expect(headerOf('')).toEqual([]);
  });
});
