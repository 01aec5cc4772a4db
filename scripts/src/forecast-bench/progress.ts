import { SingleBar } from 'cli-progress';

/** Progress of one phase on stderr, so a long run shows life while stdout stays the report. */
export interface PhaseProgress {
  update(done: number): void;
  /** For a phase whose size is learnt once it runs (a job lists its SKUs first). */
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A cli-progress bar on stderr for `total` items of a phase. Off a terminal
 * (a log file, CI) cli-progress prints a plain line every 5 s instead.
 *
 * @example const bar = phaseProgress('10000 SKUs', 10_000); bar.update(500); bar.stop();
 */
export function phaseProgress(label: string, total: number): PhaseProgress {
  const bar = new SingleBar({
    format: `${label.padEnd(24)} {bar} {percentage}% | {value}/{total} | {rate}/s | {duration_formatted}`,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 5_000,
    hideCursor: true,
    barsize: 30,
  });
  const started = performance.now();
  bar.start(total, 0, { rate: '–' });
  return {
    update(done) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '–' });
    },
    setTotal(total) {
      bar.setTotal(total);
    },
    stop() {
      bar.stop();
    },
  };
}
