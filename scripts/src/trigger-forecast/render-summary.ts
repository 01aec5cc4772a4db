import type { TrainingJob } from '@icc/shared';
import { formatDuration, percentOf } from './format.js';

/** How many failures the summary lists (the job itself keeps only the first few). */
const FAILURES_SHOWN = 10;

/**
 * The exit code a finished job earns: 0 only when it completed and no SKU failed;
 * skipped SKUs (too short a history) are not failures.
 */
export function exitCodeFor(job: TrainingJob): 0 | 1 {
  return job.status === 'completed' && job.progress.failed === 0 ? 0 : 1;
}

/**
 * The report printed when a job has finished: status, SKU counts, time and rate,
 * each chosen model with its count and share, the backtest MASE of the chosen
 * models against seasonal naive, the first failures and how many were skipped.
 */
export function renderSummary(job: TrainingJob): string {
  const { progress, summary, request } = job;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`${label.padEnd(12)}${value}`);

  row('job', job.jobId);
  row('status', job.status);
  row(
    'request',
    `${request.skus === null ? 'all SKUs' : `${request.skus.length} SKUs`}, history to ${request.asOf}, ${request.horizon} days ahead, ${Math.round(request.confidence * 1000) / 10}% intervals, season ${request.season}`,
  );
  row('SKUs', `${progress.total} total: ${progress.forecast} forecast, ${progress.skipped} skipped, ${progress.failed} failed`);
  row('elapsed', elapsed(job));
  if (job.error !== null) row('error', job.error);

  if (summary !== null) {
    const models = Object.entries(summary.models).sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
    const chosen = models.reduce((sum, [, count]) => sum + count, 0);
    if (models.length > 0) {
      const width = Math.max(5, ...models.map(([model]) => model.length));
      out.push('', `  ${'model'.padEnd(width)}  ${'SKUs'.padStart(6)}  ${'share'.padStart(6)}`);
      for (const [model, count] of models) out.push(`  ${model.padEnd(width)}  ${String(count).padStart(6)}  ${percentOf(count, chosen).padStart(6)}`);
    }
    out.push('');
    out.push(`median backtest MASE, chosen models:  ${mase(summary.medianMase)}`);
    out.push(`median backtest MASE, seasonal naive: ${mase(summary.medianSeasonalNaiveMase)}`);
    out.push(`improvement over seasonal naive:      ${improvement(summary.improvementOverSeasonalNaive)}`);

    if (progress.failed > 0) {
      const shown = summary.failures.slice(0, FAILURES_SHOWN);
      out.push('', `failed SKUs (first ${shown.length} of ${progress.failed}):`);
      for (const failure of shown) out.push(`  ${failure.sku}: ${failure.message}`);
    }
    if (progress.skipped > 0) {
      const examples = summary.skipped.slice(0, 5).map((s) => s.sku);
      out.push(
        '',
        `note: ${progress.skipped} SKUs skipped for too short a history${examples.length > 0 ? ` (e.g. ${examples.join(', ')})` : ''}; they have no forecast`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function elapsed(job: TrainingJob): string {
  if (job.startedAt === null || job.completedAt === null) return 'not started';
  const seconds = (Date.parse(job.completedAt) - Date.parse(job.startedAt)) / 1000;
  const rate = seconds > 0 ? `, ${(job.progress.done / seconds).toFixed(1)} SKUs/s` : '';
  return `${formatDuration(seconds)}${rate}`;
}

function mase(value: number | null): string {
  return value === null ? '–' : value.toFixed(3);
}

/** `improvementOverSeasonalNaive` is 1 − chosen ÷ naive: 0.1 is 10% lower error. */
function improvement(value: number | null): string {
  if (value === null) return '–';
  const percent = `${Math.abs(100 * value).toFixed(1)}%`;
  return value >= 0 ? `${percent} lower error` : `${percent} higher error (worse than seasonal naive)`;
}
