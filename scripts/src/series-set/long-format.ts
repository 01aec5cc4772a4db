import { dayAt, InputError, numberAt, parseCsvRecords, type CsvSeries } from '../forecast-csv/read-series.js';

/** A series with the name a user knows it by: its file's name, or its key in a long-format file. */
export interface NamedSeries extends CsvSeries {
  name: string;
}

/**
 * Read a long-format CSV: one row per observation, a header with the series
 * column (`series` unless named otherwise), `value` and optionally `date`.
 * Rows of different series may interleave (a file sorted by date, then
 * series); within a series, dates must strictly increase in file order, as in
 * a one-series file. Series come back in the order they first appear.
 *
 * @example
 *   readLongFormatCsv('series,date,value\na,2026-01-01,3\nb,2026-01-01,5\na,2026-01-02,4\n', 'series')
 *   // [{ name: 'a', values: [3, 4], dates: ['2026-01-01', '2026-01-02'] }, { name: 'b', values: [5], dates: ['2026-01-01'] }]
 */
export function readLongFormatCsv(text: string, seriesColumn: string): NamedSeries[] {
  const { records, lineOf } = parseCsvRecords(text);
  if (records.length === 0) throw new InputError('the file holds no values');
  const header = records[0]!.map((cell) => cell.toLowerCase());
  const column = (name: string) => header.indexOf(name.toLowerCase());
  const keyColumn = column(seriesColumn);
  if (keyColumn < 0) throw new InputError(`no "${seriesColumn}" column to name the series by (the header has: ${records[0]!.join(', ')})`);
  const valueColumn = column('value');
  if (valueColumn < 0) throw new InputError(`a long-format file needs a "value" column beside "${seriesColumn}" (the header has: ${records[0]!.join(', ')})`);
  const dateColumn = column('date');
  if (records.length === 1) throw new InputError('the file has a header but no values');

  const byName = new Map<string, NamedSeries>();
  records.slice(1).forEach((record, i) => {
    const line = () => lineOf(i + 1);
    const name = record[keyColumn] ?? '';
    if (name === '') throw new InputError(`line ${line()}: no series name in column "${seriesColumn}"`);
    let series = byName.get(name);
    if (series === undefined) {
      series = { name, values: [], ...(dateColumn < 0 ? {} : { dates: [] }) };
      byName.set(name, series);
    }
    series.values.push(numberAt(record[valueColumn] ?? '', line));
    if (series.dates === undefined) return;
    const date = dayAt(record[dateColumn] ?? '', line);
    const previous = series.dates.at(-1);
    if (previous !== undefined && date <= previous) throw new InputError(`line ${line()}: series ${name}: date ${date} does not come after ${previous}`);
    series.dates.push(date);
  });
  return [...byName.values()];
}

/** The header's cells, lower-cased (empty for an empty file): enough to tell a long-format file from a one-series file. */
export function headerOf(text: string): string[] {
  const end = text.search(/\r?\n/);
  const { records } = parseCsvRecords(end < 0 ? text : text.slice(0, end));
  return (records[0] ?? []).map((cell) => cell.toLowerCase());
}
