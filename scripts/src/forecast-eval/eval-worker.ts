/**
 * The worker-thread entry of forecast-eval (see ../series-set/worker-pool.ts):
 * Piscina calls the default export with a chunk of series.
 */
import { evaluateSeries, type EvaluationTask, type SeriesEvaluation } from './evaluate-series.js';

export default function evalWorker(task: EvaluationTask): SeriesEvaluation[] {
  return evaluateSeries(task);
}
