import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { phaseProgress } from '../forecast-bench/progress.js';
import { InputError } from '../forecast-csv/read-series.js';
import { collectSeries } from '../series-set/collect-series.js';
import { createWorkerPool, inOrderedChunks, threadsFor, workerModule } from '../series-set/worker-pool.js';
import { evaluateSeries, type EvaluationItem, type EvaluationTask, type SeriesEvaluation } from './evaluate-series.js';
import { FREQUENCIES, FREQUENCY_DEFAULTS, frequencyOf, type Frequency } from './frequency.js';
import { renderTable } from './render-table.js';
import { summarize } from './summarize.js';

export interface EvalIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface EvalOptions {
  frequency?: Frequency;
  horizon?: number;
  season?: number;
  confidence: number;
  seriesColumn?: string;
  threads: number;
  json?: boolean;
  progress: boolean;
}

/** Bad input or usage: a message on stderr and nothing on stdout. */
export const EXIT_BAD_INPUT = 2;
const SERIES_PER_TASK = 25;

/**
 * `forecast-eval <path…> [--frequency f] [--horizon h] [--season m] [--confidence 0.95] [--json]`:
 * score the forecasting engine on your own series against naive, seasonal
 * naive and drift computed in the same run. Every series (the inputs of
 * forecast-csv: directories, files, long-format files) has its last h values
 * held back (M4's h per frequency unless --horizon); the report gives, per
 * frequency and overall, each method's mean MASE, mean sMAPE and interval
 * coverage. Resolves to 0, or 2 with a message on stderr for bad input
 * (nothing is printed on stdout then).
 *
 * @example await runForecastEval(['m4-sample/', '--json'], { stdout, stderr }) // 0
 */
export async function runForecastEval(argv: readonly string[], io: EvalIo): Promise<number> {
  const program = new Command('forecast-eval')
    .description('Score the forecasting engine against naive, seasonal naive and drift on held-back points of your series')
    .argument('<paths...>', 'CSV files or directories: one series per file ("value", optional "date"), or long format ("series,date,value")')
    .addOption(
      new Option('--frequency <f>', 'frequency of every series (default: from its dates, else an M4-style name: Y1, Q1, M1, W1, D1)').choices(FREQUENCIES),
    )
    .option(
      '--horizon <h>',
      'points to hold back from each series (default by frequency: yearly 6, quarterly 8, monthly 18, weekly 13, daily 14)',
      positiveInteger,
    )
    .option('--season <m>', 'seasonal period of every series (default by frequency: yearly 1, quarterly 4, monthly 12, weekly 1, daily 7)', positiveInteger)
    .addOption(new Option('--confidence <c>', 'prediction interval coverage, between 0 and 1').default(0.95).argParser(probability))
    .option('--series-column <name>', 'the column naming each series of a long-format file (default: "series" when present)')
    .addOption(new Option('--threads <n>', 'worker threads').default(availableParallelism(), 'cores').argParser(wholeNumber))
    .option('--json', 'print one JSON object instead of the table')
    .option('--no-progress', 'no progress bar on stderr')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync(argv, { from: 'user' });
    const options = program.opts<EvalOptions>();
    const series = await collectSeries(program.args, options.seriesColumn === undefined ? {} : { seriesColumn: options.seriesColumn });
    // Every frequency is settled before any forecast, so a series that cannot be placed stops the run with nothing printed.
    const items: EvaluationItem[] = series.map((s) => {
      const frequency = frequencyOf(s, options.frequency);
      const defaults = FREQUENCY_DEFAULTS[frequency];
      return { name: s.name, values: s.values, frequency, season: options.season ?? defaults.season, horizon: options.horizon ?? defaults.horizon };
    });
    const evaluations = await evaluateOnPool(items, options);
    const summary = summarize(evaluations, options.confidence);
    io.stdout(options.json ? `${JSON.stringify(summary)}\n` : renderTable(summary));
    return 0;
  } catch (error) {
    // Commander has already printed its own message (or the help, with exit code 0).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    if (error instanceof InputError) {
      io.stderr(`forecast-eval: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

async function evaluateOnPool(items: readonly EvaluationItem[], options: EvalOptions): Promise<SeriesEvaluation[]> {
  const threads = threadsFor(Math.ceil(items.length / SERIES_PER_TASK), options.threads);
  const pool = createWorkerPool<EvaluationTask, SeriesEvaluation[]>({ worker: workerModule(import.meta.url, 'eval-worker'), threads, compute: evaluateSeries });
  const progress = options.progress ? phaseProgress(`${items.length} series`, items.length) : undefined;
  const evaluations: SeriesEvaluation[] = [];
  try {
    await inOrderedChunks(
      items,
      SERIES_PER_TASK,
      (chunk) => pool.run({ items: chunk, confidence: options.confidence }),
      (results) => evaluations.push(...results),
      (done) => progress?.update(done),
    );
  } finally {
    progress?.stop();
    await pool.close();
  }
  return evaluations;
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
