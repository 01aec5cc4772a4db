import { Command, InvalidArgumentError, Option } from 'commander';

/** What `pnpm bench:planning` was asked to do. */
export interface PlanningBenchOptions {
  products: number;
  days: number;
  warmup: number;
  seed: number;
  endDay: string;
  /** Synthetic pairs `decide()` is timed over, each size in turn (empty: skip). */
  timing: number[];
  json: boolean;
}

const EXAMPLES = `
Examples:
  pnpm bench:planning                               100 products × 4 locations, 180 days replayed after 365 of history; decide() on 10k and 100k pairs
  pnpm bench:planning --products 200 --seed 7
  pnpm bench:planning --timing 0 --json             the replenishment simulation only, as one JSON object
`;

/**
 * Parse the command line (`argv` without node and the script).
 * @example parsePlanningBenchOptions(['--products', '50']).products // 50
 */
export function parsePlanningBenchOptions(argv: readonly string[]): PlanningBenchOptions {
  const program = new Command('bench:planning')
    .description('Replenishment planning: a replay of the demo business under three policies, and the time of decide() at scale')
    .addOption(new Option('--products <n>', 'products of the demo business (× 4 locations)').default(100).argParser(wholeNumber(1)))
    .addOption(new Option('--days <n>', 'days replayed (the last of the history)').default(180).argParser(wholeNumber(14)))
    .addOption(new Option('--warmup <n>', 'days of history before the replayed window').default(365).argParser(wholeNumber(60)))
    .addOption(new Option('--seed <n>', 'seed of the demo business and the deliveries').default(42).argParser(wholeNumber(0)))
    .addOption(new Option('--end-day <day>', 'last replayed day (YYYY-MM-DD)').default('2026-10-31'))
    .addOption(
      new Option('--timing <list>', 'synthetic pairs to time decide() over, comma-separated; 0 to skip')
        .default([10_000, 100_000], '10000,100000')
        .argParser(sizeList),
    )
    .option('--json', 'print one JSON object instead of the report')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run with --help for usage)');
  program.parse(argv, { from: 'user' });
  const raw = program.opts<{ products: number; days: number; warmup: number; seed: number; endDay: string; timing: number[]; json?: boolean }>();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw.endDay)) throw new InvalidArgumentError(`--end-day must be YYYY-MM-DD, got ${raw.endDay}`);
  return { products: raw.products, days: raw.days, warmup: raw.warmup, seed: raw.seed, endDay: raw.endDay, timing: raw.timing, json: raw.json === true };
}

function wholeNumber(min: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
    return n;
  };
}

function sizeList(text: string): number[] {
  return text
    .split(',')
    .map((part) => wholeNumber(0)(part.trim()))
    .filter((n) => n > 0);
}
