/**
 * Score the forecasting engine on your own series, against naive, seasonal
 * naive and drift computed in the same run.
 *
 *   pnpm forecast-eval m4-sample/                      (frequency from dates or M4-style names)
 *   pnpm forecast-eval sales/ --frequency daily --json
 *   pnpm forecast-eval long.csv --frequency monthly --horizon 12
 *
 * Holds back the last h points of every series (M4's h per frequency unless
 * --horizon) and prints, per frequency and overall, mean MASE, mean sMAPE and
 * the coverage of the prediction intervals (see src/forecast-eval/cli.ts).
 */
import { runForecastEval } from './src/forecast-eval/cli.js';

// `… --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runForecastEval(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
