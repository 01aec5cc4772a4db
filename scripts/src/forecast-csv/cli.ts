import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
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
}

/**
 * `forecast-csv <file> --season <m> --horizon <h> [--holdout <k>] [--confidence 0.95] [--json]`.
 * Runs the forecasting engine on a CSV series and prints the chosen model, why,
 * the forecasts with intervals and, with a holdout, the accuracy. Resolves to
 * the exit code: 0, or 1 with a message on stderr for bad input.
 *
 * @example await runForecastCsv(['sales.csv', '--season', '7', '--horizon', '14'], { stdout, stderr }) // 0
 */
export async function runForecastCsv(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('forecast-csv')
    .description('Forecast a series from a CSV (a "value" column, optionally "date"; or one number per line)')
    .argument('<file>', 'CSV file')
    .requiredOption('--season <m>', 'seasonal period: 7 daily, 12 monthly, 4 quarterly, 1 none', positiveInteger)
    .option('--horizon <h>', 'periods to forecast past the end (with --holdout: defaults to it)', positiveInteger)
    .option('--holdout <k>', 'withhold the last k points, forecast them and report MAE/RMSE/MASE/sMAPE', positiveInteger)
    .addOption(new Option('--confidence <c>', 'prediction interval coverage, between 0 and 1').default(0.95).argParser(probability))
    .option('--json', 'print one JSON object instead of the report')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync(argv, { from: 'user' });
    const options = program.opts<CliOptions>();
    const file = program.args[0]!;
    const horizon = resolveHorizon(options);
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
    // Commander has already printed its own message (or the help, with exit code 0).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof InputError) {
      io.stderr(`forecast-csv: ${error.message}\n`);
      return 1;
    }
    throw error;
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

function probability(value: string): number {
  const p = Number(value);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.95');
  return p;
}
