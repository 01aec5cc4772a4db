import { setTimeout as delay } from 'node:timers/promises';
import { CommanderError } from 'commander';
import { analyticsClient, Interrupted, ServiceError, type Fetch } from './analytics-client.js';
import { readLocalConfig, resolveConnection, type LocalConfig } from './connection.js';
import { followJob, type Sleep } from './follow-job.js';
import { parseTriggerOptions, triggerForecastProgram, UsageError } from './options.js';
import { progressDisplay, type ProgressDisplay } from './progress-display.js';
import { exitCodeFor, renderSummary } from './render-summary.js';

/** Everything the CLI touches outside itself; the entry file passes the process's, tests their own. */
export interface TriggerForecastIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Is stderr a terminal? Then progress is a bar, else a plain line every few seconds. */
  isTTY: boolean;
  columns?: number;
  fetch?: Fetch;
  sleep?: Sleep;
  now?: () => number;
  /** Fires on Ctrl-C: stop following (the job keeps running on the server). */
  interrupt?: AbortSignal;
  /** Default: `.icc/local.json` at the repository root. */
  readLocalConfig?: () => Promise<LocalConfig | undefined>;
}

export const EXIT_INTERRUPTED = 130;

const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal ? { signal } : {});
};

/**
 * `trigger-forecast [skus...] [--horizon 28] [--confidence 0.95] [--season 7] [--as-of day] …`:
 * ask the analytics service to train and forecast, follow the job with a progress
 * display on stderr and print a summary on stdout (or the job as JSON with `--json`).
 * Resolves to the exit code: 0 completed with no failed SKU; 1 the job failed, an
 * SKU failed or the service could not be used; 2 bad options; 130 interrupted.
 *
 * @example await runTriggerForecast(['--horizon', '14'], { stdout, stderr, env: process.env, isTTY: false }) // 0
 */
export async function runTriggerForecast(argv: readonly string[], io: TriggerForecastIo): Promise<number> {
  const program = triggerForecastProgram().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  let jobId: string | undefined;
  let statusUrl: string | undefined;
  let display: ProgressDisplay | undefined;
  try {
    const options = await parseTriggerOptions(program, argv);
    const connection = await resolveConnection(options, io.env, io.readLocalConfig ?? (() => readLocalConfig()));
    const client = analyticsClient(connection, io.fetch ?? globalThis.fetch, io.interrupt);
    const now = io.now ?? Date.now;
    const showProgress = options.progress && !options.json;
    display = progressDisplay(showProgress ? (io.isTTY ? 'bar' : 'lines') : 'none', {
      stderr: io.stderr,
      now,
      ...(io.columns === undefined ? {} : { columns: io.columns }),
    });

    const accepted = await client.startTraining(options.request);
    jobId = accepted.jobId;
    statusUrl = client.statusUrl(jobId);
    if (showProgress) io.stderr(`training job ${jobId} accepted by ${connection.url}\n`);

    const job = await followJob(client, jobId, {
      pollMs: options.pollMs,
      sleep: io.sleep ?? defaultSleep,
      onUpdate: (update) => display?.update(update),
      ...(io.interrupt ? { interrupt: io.interrupt } : {}),
    });
    display.stop();
    io.stdout(options.json ? `${JSON.stringify(job, null, 2)}\n` : renderSummary(job));
    return exitCodeFor(job);
  } catch (error) {
    display?.stop();
    return reportError(error, io, jobId, statusUrl);
  }
}

function reportError(error: unknown, io: TriggerForecastIo, jobId: string | undefined, statusUrl: string | undefined): number {
  // Commander has already printed its message (or the help, with exit code 0).
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError) {
    io.stderr(`trigger-forecast: ${error.message}\n`);
    return 2;
  }
  if (error instanceof Interrupted) {
    io.stderr(
      jobId === undefined
        ? 'trigger-forecast: interrupted before the service accepted the job\n'
        : `trigger-forecast: stopped following job ${jobId}; it keeps running on the server.\n` +
            `check it with: GET ${statusUrl}\n` +
            `  curl -s -H "X-API-Key: $ICC_API_KEY" ${statusUrl}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  if (error instanceof ServiceError) {
    const following = jobId === undefined ? '' : ` (while following job ${jobId}; check it later with GET ${statusUrl})`;
    io.stderr(`trigger-forecast: ${error.message}${following}\n${error.details.map((d) => `  ${d}\n`).join('')}`);
    return 1;
  }
  throw error;
}
