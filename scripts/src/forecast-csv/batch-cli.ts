import { phaseProgress } from '../forecast-bench/progress.js';
import { collectSeries } from '../series-set/collect-series.js';
import { createWorkerPool, inOrderedChunks, threadsFor, workerModule } from '../series-set/worker-pool.js';
import { forecastBatch, jsonLine, type BatchOutcome, type BatchTask } from './batch-forecast.js';
import type { ForecastCsvOptions } from './forecast-report.js';
import { renderBatch } from './render-batch.js';

/** Series per worker task: enough to make a message's cost negligible, few enough to keep both threads busy to the end. */
export const SERIES_PER_TASK = 25;

export interface BatchRunOptions {
  forecast: ForecastCsvOptions;
  seriesColumn?: string;
  threads: number;
  json: boolean;
  progress: boolean;
}

/**
 * The many-series form of forecast-csv: read and check every series first
 * (any {@link InputError} stops the run before anything is printed), forecast
 * them on the worker pool, and print one JSON line per series as soon as it and
 * every series before it are done (`--json`), or a table at the end. Resolves
 * to 0, or 1 when some series could not be forecast (each says why).
 *
 * @example await runBatch(['sales/'], { forecast: { season: 7, horizon: 14, confidence: 0.95 }, threads: 2, json: true, progress: false }, io)
 */
export async function runBatch(paths: readonly string[], options: BatchRunOptions, io: { stdout: (text: string) => void }): Promise<number> {
  const series = await collectSeries(paths, options.seriesColumn === undefined ? {} : { seriesColumn: options.seriesColumn });
  const threads = threadsFor(Math.ceil(series.length / SERIES_PER_TASK), options.threads);
  const pool = createWorkerPool<BatchTask, BatchOutcome[]>({ worker: workerModule(import.meta.url, 'forecast-worker'), threads, compute: forecastBatch });
  const progress = options.progress ? phaseProgress(`${series.length} series`, series.length) : undefined;
  const outcomes: BatchOutcome[] = [];
  try {
    await inOrderedChunks(
      series,
      SERIES_PER_TASK,
      (chunk) => pool.run({ series: chunk, options: options.forecast }),
      (results) => {
        outcomes.push(...results);
        if (options.json) io.stdout(results.map((o) => `${jsonLine(o)}\n`).join(''));
      },
      (done) => progress?.update(done),
    );
  } finally {
    progress?.stop();
    await pool.close();
  }
  if (!options.json) io.stdout(renderBatch(outcomes, options.forecast.confidence));
  return outcomes.some((o) => 'error' in o) ? 1 : 0;
}
