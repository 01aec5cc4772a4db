/**
 * The worker-thread entry of the many-series form of forecast-csv (see
 * ../series-set/worker-pool.ts): Piscina calls the default export with a chunk.
 */
import { forecastBatch, type BatchOutcome, type BatchTask } from './batch-forecast.js';

export default function forecastWorker(task: BatchTask): BatchOutcome[] {
  return forecastBatch(task);
}
