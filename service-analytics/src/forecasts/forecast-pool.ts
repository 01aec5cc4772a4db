import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { computeForecasts, type ForecastOutcome, type ForecastTask } from './forecast-compute.js';

/** Runs forecast tasks: on worker threads, or in this thread when there are none. */
export interface ForecastPool {
  readonly threads: number;
  run(task: ForecastTask): Promise<ForecastOutcome[]>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` worker threads computing forecasts (default: one per
 * core; the models are CPU-bound and the database work stays on the main
 * thread). `threads: 0` computes in the calling thread — same results, no
 * parallelism — for tools that forecast a handful of SKUs.
 *
 * Run from TypeScript sources (tsx, vitest), the worker file is `.ts`: the
 * workers then load it through tsx with the `source` export condition, as the
 * parent does; built, they load the compiled `.js`.
 *
 * @example const pool = createForecastPool({ threads: 2 }); await pool.run({ items, settings }); await pool.close();
 */
export function createForecastPool(options: { threads?: number } = {}): ForecastPool {
  const threads = options.threads ?? availableParallelism();
  if (threads === 0) {
    return { threads: 0, run: async (task) => computeForecasts(task), close: async () => {} };
  }
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./forecast-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const piscina = new Piscina<ForecastTask, ForecastOutcome[]>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    ...(fromSource ? { execArgv: sourceExecArgv() } : {}),
  });
  return {
    threads,
    run: (task) => piscina.run(task),
    close: () => piscina.destroy(),
  };
}

/** The parent's flags plus what loading `.ts` sources needs, when the parent got it some other way (vitest). */
function sourceExecArgv(): string[] {
  const argv = [...process.execArgv];
  if (!argv.some((arg) => arg.includes('tsx'))) argv.push('--import', 'tsx');
  if (!argv.some((arg) => arg.startsWith('--conditions=source') || arg === '-C')) argv.push('--conditions=source');
  return argv;
}
