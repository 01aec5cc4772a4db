import { parse } from 'csv-parse/sync';

/** A series read from a CSV: values oldest first, and their dates when the file had a `date` column. */
export interface CsvSeries {
  values: number[];
  dates?: string[];
}

/** Bad input, worded for the person who wrote the file. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Read a series from CSV text: either a header with a `value` column (and
 * optionally a `date` column, `YYYY-MM-DD`, strictly increasing), or one
 * number per line with no header. Column names are matched case-insensitively;
 * blank lines are ignored. Anything else is an {@link InputError} naming the
 * line.
 *
 * @example
 *   readSeriesCsv('date,value\n2026-01-01,3\n2026-01-02,4\n') // { values: [3, 4], dates: ['2026-01-01', '2026-01-02'] }
 *   readSeriesCsv('3\n4\n')                                  // { values: [3, 4] }
 */
export function readSeriesCsv(text: string): CsvSeries {
  const { records, lineOf } = parseCsvRecords(text);
  if (records.length === 0) throw new InputError('the file holds no values');

  const header = records[0]!.map((cell) => cell.toLowerCase());
  const valueColumn = header.indexOf('value');
  if (valueColumn < 0) {
    if (records.every((r) => r.length === 1) && !Number.isNaN(Number(records[0]![0]))) {
      return { values: records.map((r, i) => numberAt(r[0]!, () => lineOf(i))) };
    }
    throw new InputError('expected a header with a "value" column (and optionally "date"), or one number per line');
  }
  const dateColumn = header.indexOf('date');
  const rows = records.slice(1);
  if (rows.length === 0) throw new InputError('the file has a header but no values');
  const values = rows.map((r, i) => numberAt(r[valueColumn] ?? '', () => lineOf(i + 1)));
  if (dateColumn < 0) return { values };
  const dates = rows.map((r, i) => dayAt(r[dateColumn] ?? '', () => lineOf(i + 1)));
  dates.forEach((date, i) => {
    if (i > 0 && date <= dates[i - 1]!) throw new InputError(`line ${lineOf(i + 1)}: date ${date} does not come after ${dates[i - 1]}`);
  });
  return { values, dates };
}

/**
 * CSV records (cells trimmed, blank lines skipped) and `lineOf(i)`, the
 * 1-based line record i starts on, for messages. The lines are counted only
 * when a message asks for one: counting them costs csv-parse more than the
 * parse itself, and a file without mistakes never needs them.
 */
export function parseCsvRecords(text: string): { records: string[][]; lineOf: (record: number) => number } {
  const records = parseWith(text);
  let lines: number[] | undefined;
  return {
    records,
    lineOf: (record) => {
      if (lines === undefined) {
        const counted: number[] = [];
        parseWith(text, (line) => counted.push(line));
        lines = counted;
      }
      return lines[record]!;
    },
  };
}

function parseWith(text: string, onLine?: (line: number) => void): string[][] {
  if (onLine === undefined && !text.includes('"')) return splitUnquoted(text);
  try {
    return parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      ...(onLine === undefined
        ? {}
        : {
            on_record: (record: string[], context: { lines: number }) => {
              onLine(context.lines);
              return record;
            },
          }),
    });
  } catch (error) {
    throw new InputError(`not a readable CSV: ${(error as Error).message}`);
  }
}

/**
 * What csv-parse returns with the options above for text without a quote
 * character, where a comma always separates cells and the record delimiter
 * (the first line break found, `\r\n`, `\r` or `\n`, as csv-parse detects it)
 * always ends a record, several times faster: 1,000 files of 730 rows took
 * 1.7 s of CPU through csv-parse.
 */
function splitUnquoted(text: string): string[][] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstBreak = /\r\n|\r|\n/.exec(body)?.[0] ?? '\n';
  const records: string[][] = [];
  for (const line of body.split(firstBreak)) {
    if (line.trim() === '') continue;
    records.push(line.split(',').map((cell) => cell.trim()));
  }
  return records;
}

/** The number in a cell, or an {@link InputError} naming its line. */
export function numberAt(cell: string, lineOf: () => number): number {
  const value = cell === '' ? Number.NaN : Number(cell);
  if (!Number.isFinite(value)) throw new InputError(`line ${lineOf()}: "${cell}" is not a number`);
  return value;
}

/** The `YYYY-MM-DD` day in a cell, or an {@link InputError} naming its line. */
export function dayAt(cell: string, lineOf: () => number): string {
  if (!DAY.test(cell) || Number.isNaN(Date.parse(`${cell}T00:00:00Z`))) throw new InputError(`line ${lineOf()}: date "${cell}" is not a YYYY-MM-DD day`);
  return cell;
}
