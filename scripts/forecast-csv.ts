/**
 * Forecast series from CSV files with the analytics forecasting engine.
 *
 *   pnpm forecast-csv sales.csv --season 7 --horizon 14
 *   pnpm forecast-csv sales.csv --season 7 --holdout 28 --confidence 0.8
 *   pnpm forecast-csv monthly.csv --season 12 --horizon 6 --json
 *   pnpm forecast-csv stores/ --season 7 --holdout 28 --json      (every *.csv in stores/, one JSON line each)
 *   pnpm forecast-csv long.csv --season 7 --horizon 14          (columns series,date,value)
 *
 * The CSV has a `value` column (and optionally `date`, YYYY-MM-DD), or one
 * number per line. Prints the chosen model and why (each candidate's backtest
 * MASE), the forecasts with prediction intervals and, with --holdout k, the
 * accuracy on the last k points, which are withheld from fitting. Many series
 * run on a worker pool with a progress bar on stderr (see src/forecast-csv/cli.ts).
 */
import { runForecastCsv } from './src/forecast-csv/cli.js';

// `… --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runForecastCsv(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
