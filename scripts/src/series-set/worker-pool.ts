import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';

/** Runs tasks on worker threads, or in this thread when there are none. */
export interface WorkerPool<Task, Result> {
  readonly threads: number;
  run(task: Task): Promise<Result>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` worker threads, each loading the module `worker` (whose
 * default export is `compute`); `threads: 0` runs `compute` in this thread —
 * same results, no worker start-up, for a handful of series.
 *
 * Run from TypeScript sources (tsx, vitest) the worker module is `.ts` and the
 * workers load it through tsx with the `source` export condition, as the
 * parent does (see {@link workerModule}); built, they load the compiled `.js`.
 *
 * @example const pool = createWorkerPool({ worker: workerModule(import.meta.url, 'forecast-worker'), threads: 2, compute });
 */
export function createWorkerPool<Task, Result>(options: { worker: string; threads: number; compute: (task: Task) => Result }): WorkerPool<Task, Result> {
  const { threads, compute } = options;
  if (threads === 0) return { threads, run: async (task) => compute(task), close: async () => {} };
  const fromSource = options.worker.endsWith('.ts');
  const piscina = new Piscina<Task, Result>({
    filename: options.worker,
    minThreads: threads,
    maxThreads: threads,
    ...(fromSource ? { execArgv: sourceExecArgv() } : {}),
  });
  return { threads, run: (task) => piscina.run(task), close: () => piscina.destroy() };
}

/**
 * The file of a worker module beside the calling module (`import.meta.url`):
 * `.ts` when the caller runs from sources, `.js` when built.
 *
 * @example workerModule(import.meta.url, 'forecast-worker') // …/src/forecast-csv/forecast-worker.ts under tsx
 */
export function workerModule(callerUrl: string, name: string): string {
  const extension = callerUrl.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./${name}.${extension}`, callerUrl));
}

/** The parent's flags plus what loading `.ts` sources needs, when the parent got it some other way (vitest). */
function sourceExecArgv(): string[] {
  const argv = [...process.execArgv];
  if (!argv.some((arg) => arg.includes('tsx'))) argv.push('--import', 'tsx');
  if (!argv.some((arg) => arg.startsWith('--conditions=source') || arg === '-C')) argv.push('--conditions=source');
  return argv;
}

/**
 * Run `items` in chunks of `chunkSize` (all queued at once, so every thread
 * stays busy) and hand each chunk's results to `emit` in input order as soon
 * as every earlier chunk is done: the output is the same whatever finishes
 * first. `onProgress` hears the number of items done after every chunk.
 *
 * @example await inOrderedChunks(series, 25, (chunk) => pool.run(chunk), (results) => print(results), (done) => bar.update(done));
 */
export async function inOrderedChunks<Item, Result>(
  items: readonly Item[],
  chunkSize: number,
  run: (chunk: Item[]) => Promise<Result[]>,
  emit: (results: Result[]) => void,
  onProgress: (done: number) => void = () => {},
): Promise<void> {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += chunkSize) chunks.push(items.slice(start, start + chunkSize));
  const finished = new Map<number, Result[]>();
  let next = 0;
  let done = 0;
  await Promise.all(
    chunks.map(async (chunk, index) => {
      finished.set(index, await run(chunk));
      done += chunk.length;
      onProgress(done);
      for (let ready = finished.get(next); ready !== undefined; ready = finished.get(next)) {
        finished.delete(next);
        next += 1;
        emit(ready);
      }
    }),
  );
}

/**
 * Worker threads worth starting for `chunks` chunks: none for a single chunk
 * (a worker's start-up would cost more than it saves), else up to `wanted`.
 */
export function threadsFor(chunks: number, wanted: number): number {
  return chunks <= 1 ? 0 : Math.min(wanted, chunks);
}
