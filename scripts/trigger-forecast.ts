/**
 * Ask the running analytics service to train and forecast, follow the job and report.
 *
 *   pnpm trigger-forecast                          every SKU, 28 days ahead, 95% intervals
 *   pnpm trigger-forecast SKU-0001 SKU-0002 --horizon 14
 *   pnpm trigger-forecast --as-of 2026-03-31 --json
 *
 * Finds the service and the API key from --url/--api-key, ANALYTICS_URL/ICC_API_KEY or
 * .icc/local.json (written by `pnpm start`). Progress goes to stderr, the summary to
 * stdout. Ctrl-C stops following; the job keeps running on the server.
 */
import { runTriggerForecast } from './src/trigger-forecast/cli.js';

const interrupt = new AbortController();
// `once`: a second Ctrl-C falls back to Node's default and ends the process at once.
process.once('SIGINT', () => interrupt.abort());

process.exitCode = await runTriggerForecast(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
  ...(process.stderr.columns === undefined ? {} : { columns: process.stderr.columns }),
  interrupt: interrupt.signal,
});
