import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parseCsvRecords } from './read-series.js';

describe('parseCsvRecords without quotes', () => {
  it('returns exactly what csv-parse returns, line breaks, blanks, spaces and BOM included', () => {
    const texts = [
      '',
      'a,b\n1,2\n',
      '\n\n1\n',
      '  \n1',
      'a, b \r\n1,2\r\n',
      '\uFEFFvalue\n1',
      'a,,b\n',
      ',\n',
      '1\r2\r',
      '1\n \t \n2',
      'x\r\n\r\ny',
      '1\n2\r\n3',
      '1\r\n2\n3',
      '1\r2\n3',
      'series,date,value\na,2026-01-01,1\nb,2026-01-01,2,extra\n',
    ];
    for (const text of texts) {
      const expected: string[][] = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
      expect(parseCsvRecords(text).records, JSON.stringify(text)).toEqual(expected);
    }
  });

  it('counts lines for messages as csv-parse does, blank lines included', () => {
    const { lineOf } = parseCsvRecords('value\n\n1\n\n\n2\n');
    expect([0, 1, 2].map(lineOf)).toEqual([1, 3, 6]);
  });
});
