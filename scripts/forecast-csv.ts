/**
 * Forecast a series from a CSV file with the analytics forecasting engine.
 *
 *   pnpm forecast-csv sales.csv --season 7 --horizon 14
 *   pnpm forecast-csv sales.csv --season 7 --holdout 28 --confidence 0.8
 *   pnpm forecast-csv monthly.csv --season 12 --horizon 6 --json
 *
 * The CSV has a `value` column (and optionally `date`, YYYY-MM-DD), or one
 * number per line. Prints the chosen model and why (each candidate's backtest
 * MASE), the forecasts with prediction intervals and, with --holdout k, the
 * accuracy on the last k points, which are withheld from fitting.
 */
import { runForecastCsv } from './src/forecast-csv/cli.js';

process.exitCode = await runForecastCsv(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
