/**
 * The worker-thread entry of the forecast pool (forecast-pool.ts): Piscina
 * calls the default export with a task and sends back its result.
 */
import { computeForecasts, type ForecastOutcome, type ForecastTask } from './forecast-compute.js';

export default function forecastWorker(task: ForecastTask): ForecastOutcome[] {
  return computeForecasts(task);
}
