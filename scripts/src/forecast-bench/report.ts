import type { TrainingJobSummary } from '@icc/shared';
import type { JobRunResult } from './job-run.js';
import type { ForecastBenchOptions } from './options.js';
import type { RunResources } from './resources.js';
import type { ScalingResult } from './scaling-run.js';

/** The targets. */
export const TARGET_SECONDS_AT_10K = 60;
export const TARGET_IMPROVEMENT = 0.1;

/** Everything a run measured: the JSON output, and what the text report is rendered from. */
export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  /** Cores the operating system offers this process. */
  cores: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  options: Omit<ForecastBenchOptions, 'json'>;
  scaling: ScalingResult[];
  /** Product seconds of one size over another's (linear growth: the ratio of the sizes). */
  growth: Array<{ from: number; to: number; timeRatio: number; linearRatio: number }>;
  target10k: { seconds: number; met: boolean } | null;
  realPath:
    | (JobRunResult & {
        skus: number;
        resources: RunResources;
        /** The runner's reads timed again alone; engine CPU NaN when it could not be read. */
        reads: { seconds: number; skus: number; rows: number; engineCpuSeconds: number };
      })
    | null;
  demo: JobRunResult | null;
}

/** How time grew between consecutive sizes. */
export function growthOf(scaling: readonly ScalingResult[]): BenchReport['growth'] {
  const sorted = [...scaling].sort((a, b) => a.skus - b.skus);
  return sorted.slice(1).map((run, i) => ({
    from: sorted[i]!.skus,
    to: run.skus,
    timeRatio: run.seconds.product / sorted[i]!.seconds.product,
    linearRatio: run.skus / sorted[i]!.skus,
  }));
}

const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const n1 = (x: number): string => x.toFixed(1);
const n2 = (x: number): string => x.toFixed(2);
const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const mase = (x: number | null): string => (x === null ? '–' : x.toFixed(3));

/** `linear-regression 38%, ensemble 21%, …`, most chosen first. */
function modelMix(models: Record<string, number>): string {
  const total = Object.values(models).reduce((a, b) => a + b, 0);
  return Object.entries(models)
    .sort((a, b) => b[1] - a[1])
    .map(([model, count]) => `${model} ${((count / Math.max(1, total)) * 100).toFixed(0)}%`)
    .join(', ');
}

function accuracyLine(summary: TrainingJobSummary): string {
  const improvement = summary.improvementOverSeasonalNaive;
  const met = improvement !== null && improvement >= TARGET_IMPROVEMENT ? 'met' : 'NOT met';
  return `median backtest MASE ${mase(summary.medianMase)} vs seasonal naive ${mase(summary.medianSeasonalNaiveMase)}: ${pct(improvement)} better (target ≥ ${pct(TARGET_IMPROVEMENT)}: ${met})`;
}

/** The report as text, in the house style of docs/BENCHMARKS.md: every figure with its unit. */
export function renderReport(report: BenchReport): string {
  const { options } = report;
  const lines: string[] = [
    `Forecast benchmark, ${report.date}`,
    `machine: ${report.machine}`,
    `load average at start ${report.loadAverageAtStart.map(n2).join(' / ')}, at end ${report.loadAverageAtEnd.map(n2).join(' / ')} (1/5/15 min)`,
    options.demo
      ? `horizon ${options.horizon} days, season 7, pool of ${options.threads} worker threads`
      : `history ${options.days} days, horizon ${options.horizon} days, season 7, pool of ${options.threads} worker threads, seed ${options.seed}`,
    '',
  ];
  if (report.scaling.length > 0) lines.push(...scalingSection(report));
  if (report.realPath)
    lines.push(
      ...realPathSection(
        report.realPath,
        report.scaling.find((run) => run.skus === report.realPath!.skus),
      ),
    );
  if (report.demo) lines.push(...demoSection(report.demo, options.demo!.tenant));
  return `${lines.join('\n')}\n`;
}

function scalingSection(report: BenchReport): string[] {
  const lines = [
    'Scaling runs: generated demand → feature rows (this thread) → backtest, selection, forecasts and intervals (pool) → storeForecasts (embedded-mongo child)',
    'Stage times are busy seconds and overlap (the next chunk\'s features are built while the pool forecasts); "product" = wall time minus generating the input.',
  ];
  const rows = report.scaling.map((run) => ({
    SKUs: n0(run.skus),
    'product s': n1(run.seconds.product),
    'SKUs/s': n1(run.skusPerSecond),
    'wall s': n1(run.seconds.total),
    'generate s': n1(run.seconds.generate),
    'features s': n1(run.seconds.features),
    'forecast s': n1(run.seconds.forecast),
    'persist s': n1(run.seconds.persist),
    'bench CPU s': n1(run.resources.benchCpuSeconds),
    'engine CPU s': run.resources.engineCpuSeconds === null ? '–' : n1(run.resources.engineCpuSeconds),
    'peak RSS MiB (bench/engine)': `${n0(run.resources.peakRssMiB)} / ${run.resources.enginePeakRssMiB === null ? '–' : n0(run.resources.enginePeakRssMiB)}`,
    load: n2(run.resources.loadAverage),
  }));
  lines.push(table(rows));
  const perSku = report.scaling.map((run) => {
    const ms = (s: number) => n2((s * 1000) / run.skus);
    return `  ${n0(run.skus)} SKUs: features ${ms(run.seconds.features)}, forecast ${ms(run.seconds.forecast)}, persist ${ms(run.seconds.persist)} ms/SKU (busy); CPU ${ms(run.resources.benchCpuSeconds)} bench + ${run.resources.engineCpuSeconds === null ? '–' : ms(run.resources.engineCpuSeconds)} engine ms/SKU`;
  });
  lines.push('per SKU:', ...perSku);
  // On a shared machine the wall time depends on the neighbours; the CPU the run needed does not.
  const { cores } = report;
  for (const run of report.scaling) {
    if (run.resources.engineCpuSeconds === null) continue;
    const floor = (run.resources.benchCpuSeconds + run.resources.engineCpuSeconds) / cores;
    lines.push(`  ${n0(run.skus)} SKUs: CPU-bound floor on ${cores} idle cores ≈ ${n1(floor)} s ((bench + engine CPU) ÷ ${cores})`);
  }
  if (report.target10k) {
    lines.push(`target: 10,000 SKUs in ${n1(report.target10k.seconds)} s (< ${TARGET_SECONDS_AT_10K} s: ${report.target10k.met ? 'met' : 'NOT met'})`);
  }
  for (const g of report.growth) lines.push(`growth ${n0(g.from)} → ${n0(g.to)} SKUs: time × ${n2(g.timeRatio)} (linear × ${n2(g.linearRatio)})`);
  lines.push('', 'Models and backtest accuracy (job-summary functions):');
  for (const run of report.scaling) {
    const { progress, summary, byShape } = run.accuracy;
    lines.push(`  ${n0(run.skus)} SKUs: forecast ${n0(progress.forecast)}, skipped ${n0(progress.skipped)}, failed ${n0(progress.failed)}`);
    lines.push(`    models: ${modelMix(summary.models)}`);
    lines.push(`    ${accuracyLine(summary)}`);
    for (const [shape, part] of Object.entries(byShape)) {
      lines.push(
        `    ${shape.padEnd(12)} ${n0(part.progress.forecast).padStart(6)} SKUs: MASE ${mase(part.summary.medianMase)} vs ${mase(part.summary.medianSeasonalNaiveMase)} (${pct(part.summary.improvementOverSeasonalNaive)} better); ${modelMix(part.summary.models)}`,
      );
    }
  }
  lines.push('');
  return lines;
}

/** The real path beside the scaling run of the same size, when there was one. */
function realPathSection(real: NonNullable<BenchReport['realPath']>, base: ScalingResult | undefined): string[] {
  const msPerSku = (s: number, skus: number) => n2((s * 1000) / Math.max(1, skus));
  const lines = [
    `Real path: ${n0(real.skus)} SKUs' feature rows and history documents in the engine, createTrainingJob + runner.drain() (reads, accuracy scoring, pool, storage; chunks of 200)`,
    `  job ${real.jobId} ${real.status}${real.ranHere ? '' : ' (run by another runner)'}: ${n1(real.seconds)} s, ${n1(real.skusPerSecond)} SKUs/s, ${msPerSku(real.seconds, real.progress.done)} ms/SKU`,
    `  CPU: ${n1(real.resources.benchCpuSeconds)} s bench, ${real.resources.engineCpuSeconds === null ? '–' : n1(real.resources.engineCpuSeconds)} s engine; peak RSS ${n0(real.resources.peakRssMiB)} / ${real.resources.enginePeakRssMiB === null ? '–' : n0(real.resources.enginePeakRssMiB)} MiB (bench/engine); load ${n2(real.resources.loadAverage)}`,
    `  reading histories and future flags alone (same chunks, timed after the job): ${n1(real.reads.seconds)} s = ${msPerSku(real.reads.seconds, real.reads.skus)} ms/SKU` +
      ` for ${n0(real.reads.rows)} SKU-days in ${n0(real.reads.skus)} history documents (${n0(real.reads.rows / Math.max(1e-9, real.reads.seconds))} days/s; engine CPU ${n1(real.reads.engineCpuSeconds)} s)`,
  ];
  if (base) {
    lines.push(
      `  scaling run of the same size: ${msPerSku(base.seconds.product, base.skus)} ms/SKU (features built in memory, no reads, stages overlapped);` +
        ` the real path reads stored features instead and runs read → forecast → store one after the other per chunk`,
    );
  }
  lines.push(`  forecast ${n0(real.progress.forecast)}, skipped ${n0(real.progress.skipped)}, failed ${n0(real.progress.failed)}`);
  if (real.summary) lines.push(`  models: ${modelMix(real.summary.models)}`, `  ${accuracyLine(real.summary)}`);
  if (real.error) lines.push(`  error: ${real.error}`);
  lines.push('');
  return lines;
}

function demoSection(demo: JobRunResult, tenant: string): string[] {
  const lines = [
    `Demo data: tenant ${tenant}, job ${demo.jobId} ${demo.status}${demo.ranHere ? '' : ' (run by another runner, e.g. the analytics service)'} in ${n1(demo.seconds)} s (${n1(demo.skusPerSecond)} SKUs/s)`,
    `  SKUs: forecast ${n0(demo.progress.forecast)}, skipped ${n0(demo.progress.skipped)}, failed ${n0(demo.progress.failed)} of ${n0(demo.progress.total)}`,
  ];
  if (demo.progress.total === 0) lines.push(`  no SKU of tenant ${tenant} has sales history here: is this the analytics database that pnpm start filled?`);
  if (demo.summary && demo.progress.forecast > 0) {
    lines.push(`  models: ${modelMix(demo.summary.models)}`, `  ${accuracyLine(demo.summary)}`);
    for (const f of demo.summary.failures.slice(0, 5)) lines.push(`  failed ${f.sku}: ${f.message}`);
    for (const s of demo.summary.skipped.slice(0, 5)) lines.push(`  skipped ${s.sku}: ${s.message}`);
  }
  if (demo.error) lines.push(`  error: ${demo.error}`);
  lines.push('');
  return lines;
}

/** A plain-text table (console.table's box characters and index column do not paste into Markdown). */
function table(rows: ReadonlyArray<Record<string, string>>): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => r[h]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(headers.map((h) => r[h]!)))].join('\n');
}
