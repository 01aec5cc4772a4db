import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError, readSeriesCsv } from '../forecast-csv/read-series.js';
import { headerOf, readLongFormatCsv, type NamedSeries } from './long-format.js';

export interface CollectOptions {
  /** The long-format key column. Given explicitly, every file must have it; by default a file with a `series` column is long-format. */
  seriesColumn?: string;
}

/** The default key column of a long-format file. */
export const DEFAULT_SERIES_COLUMN = 'series';

/**
 * Every series named by `paths`: a directory stands for its `.csv` files (by
 * name, not recursive); a file with the series column holds many series
 * (long format), any other file one, named after the file without `.csv`.
 * Everything is read and checked before anything is returned, so a mistake in
 * the last file stops the run before any forecast is printed. Errors are
 * {@link InputError}s naming the file (and line).
 *
 * @example await collectSeries(['sales/'])          // one series per sales/*.csv
 * @example await collectSeries(['long.csv'])        // one per distinct value of its `series` column
 */
export async function collectSeries(paths: readonly string[], options: CollectOptions = {}): Promise<NamedSeries[]> {
  const files = (await Promise.all(paths.map(csvFilesOf))).flat();
  const all: NamedSeries[] = [];
  const seenIn = new Map<string, string>();
  for (const file of files) {
    for (const series of await readSeriesFile(file, options)) {
      const earlier = seenIn.get(series.name);
      if (earlier !== undefined) throw new InputError(`series "${series.name}" appears twice: in ${earlier} and in ${file}`);
      seenIn.set(series.name, file);
      all.push(series);
    }
  }
  return all;
}

async function csvFilesOf(path: string): Promise<string[]> {
  const kind = await stat(path).then(
    (s) => (s.isDirectory() ? 'directory' : 'file'),
    (error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${path}: ${error.code ?? error.message}`);
    },
  );
  if (kind === 'file') return [path];
  const names = (await readdir(path)).filter((name) => extname(name).toLowerCase() === '.csv').sort();
  if (names.length === 0) throw new InputError(`${path} holds no .csv files`);
  return names.map((name) => join(path, name));
}

async function readSeriesFile(file: string, options: CollectOptions): Promise<NamedSeries[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  try {
    const column = options.seriesColumn ?? DEFAULT_SERIES_COLUMN;
    if (options.seriesColumn !== undefined || headerOf(text).includes(column.toLowerCase())) return readLongFormatCsv(text, column);
    return [{ name: basename(file, extname(file)), ...readSeriesCsv(text) }];
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${file}: ${error.message}`);
    throw error;
  }
}
