import { Writable } from 'node:stream';
import type { TrainingJob } from '@icc/shared';
import { SingleBar } from 'cli-progress';
import { formatDuration, percentOf } from './format.js';

/** Shows a job's progress on stderr while it is followed. */
export interface ProgressDisplay {
  update(job: TrainingJob): void;
  /** Ends the display (the bar's last frame and a newline); safe to call more than once. */
  stop(): void;
}

export interface DisplayIo {
  stderr: (text: string) => void;
  /** Terminal width for the bar. */
  columns?: number;
  /** Milliseconds since the epoch; the rate and ETA are measured on this clock. */
  now: () => number;
}

/** How often a plain (non-TTY) progress line is printed. */
export const PLAIN_LINE_EVERY_MS = 5_000;

/** SKUs per second and seconds left, once some SKUs have finished since the job was first seen running. */
export interface Throughput {
  rate?: number;
  etaSeconds?: number;
}

/**
 * The throughput between two observations of the same job: the first seen running and
 * the latest. Measured on the local clock, so the server's clock does not matter.
 *
 * @example throughput({ at: 0, done: 0 }, { at: 10_000, done: 50 }, 150) // { rate: 5, etaSeconds: 20 }
 */
export function throughput(first: { at: number; done: number }, latest: { at: number; done: number }, total: number): Throughput {
  const seconds = (latest.at - first.at) / 1000;
  const finished = latest.done - first.done;
  if (seconds <= 0 || finished <= 0) return {};
  const rate = finished / seconds;
  return { rate, etaSeconds: Math.max(0, total - latest.done) / rate };
}

/** One line of progress, as the plain display prints it. */
export function progressLine(job: TrainingJob, speed: Throughput): string {
  const { total, done, forecast, skipped, failed } = job.progress;
  return [
    `${done}/${total} SKUs (${percentOf(done, total)})`,
    `${speed.rate === undefined ? '–' : speed.rate.toFixed(1)} SKUs/s`,
    `ETA ${speed.etaSeconds === undefined ? '–' : formatDuration(speed.etaSeconds)}`,
    `forecast ${forecast}, skipped ${skipped}, failed ${failed}`,
  ].join(' · ');
}

/**
 * A cli-progress bar when stderr is a terminal (`bar`), else one plain line every
 * {@link PLAIN_LINE_EVERY_MS} (`lines`), or nothing (`none`). Both say once that the
 * job is waiting to start while it is pending, and once that it waits for the
 * features (after a backfill, about a minute) while the service says so.
 */
export function progressDisplay(mode: 'bar' | 'lines' | 'none', io: DisplayIo): ProgressDisplay {
  if (mode === 'none') return { update: () => {}, stop: () => {} };
  let firstRunning: { at: number; done: number } | undefined;
  let saidWaiting = false;
  let saidFeatures = false;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let bar: SingleBar | undefined;

  const speedOf = (job: TrainingJob): Throughput => {
    const latest = { at: io.now(), done: job.progress.done };
    firstRunning ??= latest;
    return throughput(firstRunning, latest, job.progress.total);
  };

  return {
    update(job) {
      if (job.status === 'pending') {
        if (!saidWaiting) io.stderr('waiting for the job to start…\n');
        saidWaiting = true;
        return;
      }
      if (job.status === 'running' && job.waitingForFeaturesSince !== null && job.progress.done === 0) {
        if (!saidFeatures) io.stderr('waiting for the features to include the latest sales…\n');
        saidFeatures = true;
        return;
      }
      const speed = speedOf(job);
      if (mode === 'lines') {
        // Only running jobs get a line: the finished state is in the summary that follows.
        const due = io.now() - lastLineAt >= PLAIN_LINE_EVERY_MS;
        if (job.status === 'running' && due) {
          io.stderr(`${progressLine(job, speed)}\n`);
          lastLineAt = io.now();
        }
        return;
      }
      const payload = {
        rate: speed.rate === undefined ? '–' : speed.rate.toFixed(1),
        etaText: speed.etaSeconds === undefined ? '–' : formatDuration(speed.etaSeconds),
        ...job.progress,
      };
      if (bar === undefined) {
        bar = new SingleBar({
          stream: terminalOver(io.stderr, io.columns ?? 80),
          format: '{bar} {value}/{total} SKUs {percentage}% | {rate} SKUs/s | ETA {etaText} | forecast {forecast} skipped {skipped} failed {failed}',
          barsize: 30,
          fps: 5,
          emptyOnZero: true,
        });
        bar.start(job.progress.total, job.progress.done, payload);
        return;
      }
      bar.setTotal(job.progress.total);
      bar.update(job.progress.done, payload);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/**
 * A terminal-like stream over `write`: cli-progress draws with cursor escapes and
 * only does so on a stream that says it is a TTY, which the CLI has already decided.
 */
function terminalOver(write: (text: string) => void, columns: number): NodeJS.WritableStream {
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY: true, columns });
}
