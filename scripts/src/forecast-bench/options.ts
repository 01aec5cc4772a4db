import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';

/** What `pnpm bench:forecast` was asked to do. */
export interface ForecastBenchOptions {
  /** SKUs of each scaling run, in order. */
  sizes: number[];
  days: number;
  horizon: number;
  threads: number;
  /** SKUs of the real-path run (0: none). */
  real: number;
  seed: number;
  json: boolean;
  /** Demo mode: the analytics database `pnpm start` filled; no scaling or real-path runs. */
  demo: { uri: string; tenant: string; analyticsDb: string } | null;
}

interface RawOptions {
  sizes: number[];
  days: number;
  horizon: number;
  threads: number;
  real: number;
  seed: number;
  json?: boolean;
  demo?: string;
  tenant: string;
  analyticsDb: string;
}

const EXAMPLES = `
Examples:
  pnpm bench:forecast                                   1k, 10k and 30k SKUs × 730 days, then the real path for 1,000 SKUs
  pnpm bench:forecast --sizes 1000,10000 --real 1000
  pnpm bench:forecast --sizes 1000 --real 0 --json
  pnpm bench:forecast --demo mongodb://127.0.0.1:27017/?replicaSet=rs0 --tenant demo
`;

/**
 * Parse the command line (`argv` without node and the script).
 * @example parseBenchOptions(['--sizes', '1000']).sizes // [1000]
 */
export function parseBenchOptions(argv: readonly string[]): ForecastBenchOptions {
  const program = new Command('bench:forecast')
    .description('Forecasting engine benchmark: features → backtest and selection → forecasts with intervals → storage')
    .addOption(new Option('--sizes <list>', 'SKUs per scaling run, comma-separated').default([1_000, 10_000, 30_000], '1000,10000,30000').argParser(sizeList))
    .addOption(new Option('--days <n>', 'days of generated history per SKU').default(730).argParser(wholeNumber(60)))
    .addOption(new Option('--horizon <n>', 'days to forecast').default(28).argParser(wholeNumber(1)))
    .addOption(new Option('--threads <n>', 'worker threads of the forecast pool').default(availableParallelism(), 'cores').argParser(wholeNumber(1)))
    .addOption(new Option('--real <n>', 'SKUs for the real-path run (queued job, runner.drain()), 0 to skip').default(1_000).argParser(wholeNumber(0)))
    .addOption(new Option('--seed <n>', 'seed of the generated demand').default(42).argParser(wholeNumber(0)))
    .option('--json', 'print one JSON object instead of the report')
    .option('--demo <uri>', 'demo mode: forecast the tenant of an analytics database that pnpm start filled')
    .option('--tenant <id>', 'tenant of --demo', 'demo')
    .option('--analytics-db <name>', 'analytics database of --demo', 'icc_analytics')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run with --help for usage)');
  program.parse(argv, { from: 'user' });
  const raw = program.opts<RawOptions>();
  return {
    sizes: raw.sizes,
    days: raw.days,
    horizon: raw.horizon,
    threads: raw.threads,
    real: raw.real,
    seed: raw.seed,
    json: raw.json === true,
    demo: raw.demo ? { uri: raw.demo, tenant: raw.tenant, analyticsDb: raw.analyticsDb } : null,
  };
}

function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

function sizeList(text: string): number[] {
  const sizes = text.split(',').map((part) => wholeNumber(1)(part.trim()));
  if (sizes.length === 0) throw new InvalidArgumentError('expected at least one size');
  return sizes;
}
