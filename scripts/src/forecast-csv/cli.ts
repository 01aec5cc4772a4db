import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_SERIES_COLUMN } from '../series-set/collect-series.js';
import { headerOf } from '../series-set/long-format.js';
import { runBatch } from './batch-cli.js';
import { forecastCsv, jsonReport } from './forecast-report.js';
import { InputError, readSeriesCsv } from './read-series.js';
import { renderText } from './render-text.js';

/** Where the CLI writes; tests pass collectors instead of the process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface CliOptions {
  season: number;
  horizon?: number;
  holdout?: number;
  confidence: number;
  json?: boolean;
  seriesColumn?: string;
  threads: number;
  progress: boolean;
}

/** Exit code of bad input in the many-series form (as trigger-forecast); the one-file form keeps its 1. */
export const EXIT_BAD_INPUT = 2;

/**
 * `forecast-csv <path…> --season <m> --horizon <h> [--holdout <k>] [--confidence 0.95] [--json]`.
 * One CSV file holding one series: runs the forecasting engine on it and prints
 * the chosen model, why, the forecasts with intervals and, with a holdout, the
 * accuracy; resolves to 0, or 1 with a message on stderr for bad input.
 * Several files, a directory of them or a long-format file (a `series` column,
 * or `--series-column`): forecasts every series on the worker pool (see
 * {@link runBatch}); bad input exits 2 before anything is printed.
 *
 * @example await runForecastCsv(['sales.csv', '--season', '7', '--horizon', '14'], { stdout, stderr }) // 0
 * @example await runForecastCsv(['stores/', '--season', '7', '--holdout', '28', '--json'], { stdout, stderr }) // one line per series
 */
export async function runForecastCsv(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('forecast-csv')
    .description(
      'Forecast series from CSVs: a file with a "value" column (optionally "date"; or one number per line), ' +
        'several such files or directories of them, or a long-format file with a "series" column',
    )
    .argument('<paths...>', 'CSV files or directories of them')
    .requiredOption('--season <m>', 'seasonal period: 7 daily, 12 monthly, 4 quarterly, 1 none', positiveInteger)
    .option('--horizon <h>', 'periods to forecast past the end (with --holdout: defaults to it)', positiveInteger)
    .option('--holdout <k>', 'withhold the last k points, forecast them and report MAE/RMSE/MASE/sMAPE', positiveInteger)
    .addOption(new Option('--confidence <c>', 'prediction interval coverage, between 0 and 1').default(0.95).argParser(probability))
    .option('--json', 'print one JSON object (one line per series for many series) instead of the report')
    .option('--series-column <name>', `the column naming each series of a long-format file (default: "${DEFAULT_SERIES_COLUMN}" when present)`)
    .addOption(new Option('--threads <n>', 'worker threads for many series').default(availableParallelism(), 'cores').argParser(wholeNumber))
    .option('--no-progress', 'no progress bar on stderr for many series')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync(argv, { from: 'user' });
    const options = program.opts<CliOptions>();
    const paths = program.args;
    if (!(await isOneSeriesFile(paths, options))) return await runMany(paths, options, io);
    const horizon = resolveHorizon(options);
    const file = paths[0]!;
    const series = readSeriesCsv(await readInput(file));
    const report = forecastCsv(series, {
      season: options.season,
      horizon,
      confidence: options.confidence,
      ...(options.holdout === undefined ? {} : { holdout: options.holdout }),
    });
    io.stdout(options.json ? `${JSON.stringify(jsonReport(report))}\n` : renderText(report, file));
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help, with exit code 0); a usage mistake is bad input: 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      io.stderr(`forecast-csv: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** The original form: one path, a file (or nothing there: its error is the one-file form's), not in long format. */
async function isOneSeriesFile(paths: readonly string[], options: CliOptions): Promise<boolean> {
  if (paths.length !== 1 || options.seriesColumn !== undefined) return false;
  const isDirectory = await stat(paths[0]!).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDirectory) return false;
  const text = await readFile(paths[0]!, 'utf8').catch(() => '');
  try {
    return !headerOf(text).includes(DEFAULT_SERIES_COLUMN);
  } catch {
    // Unreadable as CSV: the one-file form says so in its words.
    return true;
  }
}

async function runMany(paths: readonly string[], options: CliOptions, io: CliIo): Promise<number> {
  try {
    const horizon = resolveHorizon(options);
    return await runBatch(
      paths,
      {
        forecast: { season: options.season, horizon, confidence: options.confidence, ...(options.holdout === undefined ? {} : { holdout: options.holdout }) },
        ...(options.seriesColumn === undefined ? {} : { seriesColumn: options.seriesColumn }),
        threads: options.threads,
        json: options.json === true,
        progress: options.progress,
      },
      io,
    );
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(`forecast-csv: ${error.message}\n`);
    return EXIT_BAD_INPUT;
  }
}

function resolveHorizon(options: CliOptions): number {
  if (options.holdout === undefined) {
    if (options.horizon === undefined) throw new InputError('give --horizon <h> (or --holdout <k> to test on the last k points)');
    return options.horizon;
  }
  if (options.horizon !== undefined && options.horizon !== options.holdout) {
    throw new InputError(
      `--horizon ${options.horizon} and --holdout ${options.holdout} disagree: with a holdout the forecast covers exactly the held-out points`,
    );
  }
  return options.holdout;
}

async function readInput(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function probability(value: string): number {
  const p = Number(value);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.95');
  return p;
}
