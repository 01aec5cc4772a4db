/**
 * STOCK_LEVELS optimisation (issue 17, "on 10,000 items it finishes in under 10 s").
 *
 *   pnpm bench:optimise [--sizes 1000,10000,100000] [--seed 42]
 *
 * Times `optimiseStockLevels` (pure compute) on synthetic SKU × location items
 * (5 locations, demand, σ, costs and order quantities spread over two orders
 * of magnitude, seeded), under three sets of limits: none; a budget at 80 % of
 * the unconstrained plan's inventory value; that budget and each location's
 * space (volume): three at 97 % of what the budgeted plan uses, two at 105 %. Reports time,
 * cost, fill rate and the limits' use. One run per size (no loops: the machine
 * is shared). The report goes to stdout, progress to stderr.
 */
import { loadavg } from 'node:os';
import { optimiseStockLevels, type StockLevelItem, type StockLevelPlan, type StockLevelsInput } from '@icc/service-analytics/planning-policy';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeMachine } from '../src/bench-kit/machine.js';

const LOCATIONS = ['WH-1', 'WH-2', 'WH-3', 'WH-4', 'WH-5'] as const;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Items as a planning run would hand them over: weekly review, lead times of 3–30 days, Q of 1–8 weeks of demand. */
function syntheticItems(count: number, seed: number): StockLevelItem[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => {
    const dailyDemand = 0.2 * Math.exp(random() * Math.log(500));
    const protectionDays = 10 + random() * 30;
    const demandMean = dailyDemand * protectionDays;
    const unitCost = 1 + Math.exp(random() * Math.log(400));
    return {
      sku: `SKU-${Math.floor(i / LOCATIONS.length)}`,
      locationCode: LOCATIONS[i % LOCATIONS.length]!,
      demandMean,
      demandStd: Math.sqrt(demandMean) * (0.8 + random() * 1.5),
      annualDemand: dailyDemand * 365,
      unitCost,
      holdingCostRate: 0.25,
      shortageCost: unitCost * (0.2 + random() * 0.8),
      orderQuantity: Math.max(1, Math.round(dailyDemand * 7 * (1 + Math.floor(random() * 8)))),
      volumePerUnit: 0.001 + random() * 0.05,
    };
  });
}

interface Row {
  items: number;
  limits: string;
  seconds: number;
  plan: StockLevelPlan;
}

function timed(items: readonly StockLevelItem[], limits: string, constraints: StockLevelsInput['constraints']): Row {
  const started = performance.now();
  const result = optimiseStockLevels({ items, constraints });
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) throw new Error(`${limits}: ${result.error.message}`);
  return { items: items.length, limits, seconds, plan: result.plan };
}

function main(): void {
  const program = new Command('bench:optimise')
    .description('STOCK_LEVELS optimisation: time of optimiseStockLevels on synthetic items')
    .addOption(new Option('--sizes <list>', 'item counts, comma-separated').default([1_000, 10_000, 100_000], '1000,10000,100000').argParser(sizeList))
    .addOption(new Option('--seed <n>', 'seed of the synthetic items').default(42).argParser(Number));
  const options = program.parse(process.argv).opts<{ sizes: number[]; seed: number }>();
  process.stderr.write(`bench:optimise on ${describeMachine()}, load average ${loadavg()[0]!.toFixed(1)}\n`);
  const rows: Row[] = [];
  for (const size of options.sizes) {
    const items = syntheticItems(size, options.seed);
    const free = timed(items, 'none', {});
    rows.push(free);
    const budget = free.plan.totals.inventoryValue * 0.8;
    const budgeted = timed(items, 'budget 80 %', { budget });
    rows.push(budgeted);
    // Space is mostly cycle stock (Q), which the optimiser does not choose: a limit a little under what the budgeted plan uses binds.
    const volume = (location: string) =>
      items.reduce((sum, item, i) => (item.locationCode === location ? sum + item.volumePerUnit! * budgeted.plan.items[i]!.space : sum), 0);
    const perLocation = Object.fromEntries(LOCATIONS.map((location, l) => [location, volume(location) * (l % 2 === 0 ? 0.97 : 1.05)]));
    rows.push(
      timed(items, 'budget 80 % + space per location (3 of 5 at 97 % of the budgeted plan)', { budget, storageCapacity: { basis: 'volume', perLocation } }),
    );
    process.stderr.write(`${size} items done\n`);
  }
  const lines = [
    '| items | limits | time (s) | cost / year | above the lower bound | fill rate | inventory value | binding (shadow price) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(({ items, limits, seconds, plan }) => {
      const binding = plan.constraints
        .filter((c) => c.binding)
        .map((c) => `${c.constraint === 'budget' ? 'budget' : `space ${c.locationCode}`} (${c.shadowPrice.toPrecision(3)})`)
        .join(', ');
      return `| ${items.toLocaleString('en')} | ${limits} | ${seconds.toFixed(2)} | ${Math.round(plan.totals.cost).toLocaleString('en')} | ${(((plan.totals.cost - plan.totals.lowerBound) / plan.totals.cost) * 100).toFixed(3)} % | ${(plan.totals.fillRate * 100).toFixed(2)} % | ${Math.round(plan.totals.inventoryValue).toLocaleString('en')} | ${binding || '—'} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`load average after: ${loadavg()[0]!.toFixed(1)}\n`);
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('expected whole numbers, comma-separated');
  return sizes;
}

main();
