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
 *
 * Then the budget frontier on the demo business (`--frontier-products`, 0 to
 * skip): `optimiseStockLevelsFlexible` without a budget and at 60–100 % of that
 * plan's inventory value (and at 80 % of the demo planner's own levels' value),
 * each plan replayed over the window by the planning simulation
 * (`scripts/src/planning-sim`, as `pnpm bench:planning`): fill rate, average
 * inventory value, holding + ordering cost; the chart goes to `--chart`
 * (default docs/budget-frontier.svg).
 */
import { loadavg } from 'node:os';
import { optimiseStockLevels, type StockLevelItem, type StockLevelPlan, type StockLevelsInput } from '@icc/service-analytics/planning-policy';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { describeMachine } from '../src/bench-kit/machine.js';
import { dayKey } from '../src/demo/index.js';
import { budgetFrontier, frontierPairs, productMasterModelValue, type FrontierPoint } from '../src/planning-sim/budget-frontier.js';
import { lineChart } from '../src/planning-sim/frontier-chart.js';
import { replay } from '../src/planning-sim/replay.js';
import { buildScenario } from '../src/planning-sim/scenario.js';
import { productMasterPolicy } from '../src/planning-sim/static-policies.js';

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
    .addOption(new Option('--seed <n>', 'seed of the synthetic items and the demo business').default(42).argParser(Number))
    .addOption(
      new Option('--frontier-products <n>', 'products of the demo business for the budget frontier (× 4 locations); 0 to skip').default(100).argParser(Number),
    )
    .addOption(new Option('--days <n>', 'days the frontier replays').default(180).argParser(Number))
    .addOption(new Option('--warmup <n>', 'days of history before the replayed window').default(365).argParser(Number))
    .addOption(new Option('--end-day <day>', 'last replayed day').default('2026-10-31'))
    .addOption(new Option('--chart <path>', 'where the frontier chart (SVG) is written').default('docs/budget-frontier.svg'));
  const options = program.parse(process.argv).opts<{
    sizes: number[];
    seed: number;
    frontierProducts: number;
    days: number;
    warmup: number;
    endDay: string;
    chart: string;
  }>();
  process.stderr.write(`bench:optimise on ${describeMachine()}, load average ${loadavg()[0]!.toFixed(1)}\n`);
  const rows: Row[] = [];
  for (const size of options.sizes.filter((n) => n > 0)) {
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
  if (rows.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  if (options.frontierProducts > 0) frontier(options);
  process.stdout.write(`load average after: ${loadavg()[0]!.toFixed(1)}\n`);
}

/** Budget shares of the unconstrained plan's inventory value the frontier is drawn at. */
const FRONTIER_SHARES = [1, 0.9, 0.8, 0.7, 0.6];

function frontier(options: { seed: number; frontierProducts: number; days: number; warmup: number; endDay: string; chart: string }): void {
  const started = performance.now();
  const scenario = buildScenario({
    seed: options.seed,
    products: options.frontierProducts,
    days: options.days,
    warmupDays: options.warmup,
    endDay: options.endDay,
  });
  const pairs = frontierPairs(scenario);
  const todayValue = productMasterModelValue(pairs);
  const { points } = budgetFrontier(scenario, FRONTIER_SHARES, [{ label: "80 % of today's levels (the demo planner's)", budget: 0.8 * todayValue }], pairs);
  const today = replay(scenario, productMasterPolicy()).result;
  process.stderr.write(`frontier: ${pairs.length} pairs, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const free = points[0]!;
  const money = (n: number) => Math.round(n).toLocaleString('en');
  const row = (label: string, budget: string, p: FrontierPoint | null, sim: FrontierPoint['simulated']) =>
    `| ${label} | ${budget} | ${p === null ? '—' : `${(p.plan.totals.fillRate * 100).toFixed(2)} %`} | ${p === null ? '—' : money(p.plan.totals.inventoryValue)} | ${(sim.fillRate * 100).toFixed(2)} % | ${((sim.fillRate - free.simulated.fillRate) * 100).toFixed(2)} | ${((sim.fillRate - today.fillRate) * 100).toFixed(2)} | ${money(sim.averageInventoryValue)} | ${money(sim.holdingCost)} + ${money(sim.orderingCost)} = ${money(sim.totalCost)} | ${p === null ? '—' : p.plan.orderQuantityPrice.toFixed(3)} |`;
  const lines = [
    '',
    `Budget frontier: demo business seed ${options.seed}, ${options.frontierProducts} products, ${pairs.length} SKU × location pairs with demand; window ${dayKey(scenario.firstDay)} … ${dayKey(scenario.lastDay)} (${options.days} days)`,
    '',
    '| plan | budget | model fill rate | model inventory value | simulated fill rate | vs no budget (points) | vs today (points) | simulated avg inventory value | simulated holding + ordering | α (Q) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...points.map((p) => row(p.label, p.budget === null ? '—' : money(p.budget), p, p.simulated)),
    row("today: the demo planner's (s, S) levels", `(model value ${money(todayValue)})`, null, today),
  ];
  const at80 = points.find((p) => p.label.startsWith('80 % of the unconstrained'))!;
  const atToday80 = points[points.length - 1]!;
  const verdict = (p: FrontierPoint, against: { fillRate: number }) => {
    const lost = (against.fillRate - p.simulated.fillRate) * 100;
    return `${lost.toFixed(2)} points lost → ${lost <= 2 ? 'met' : 'not met'}`;
  };
  lines.push(
    '',
    `Target "80 % budget loses at most 2 points of fill rate" (simulated): 80 % of the unconstrained plan against no budget: ${verdict(at80, free.simulated)}; 80 % of today's levels' value against no budget: ${verdict(atToday80, free.simulated)}, against today's levels: ${verdict(atToday80, today)}.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);

  const shareLabel = (p: FrontierPoint) =>
    p.budget === null ? 'no budget' : p.label.replace(' of the unconstrained plan', '').replace(" of today's levels (the demo planner's)", " of today's");
  const svg = lineChart({
    title: `STOCK_LEVELS budget frontier (demo business, ${pairs.length} pairs, ${options.days} days replayed)`,
    xLabel: 'average inventory value in the simulation',
    yLabel: 'fill rate (%)',
    formatX: (x) => `${Math.round(x / 1000).toLocaleString('en')}k`,
    series: [
      {
        name: 'simulated (planning replay)',
        colour: '#1f6feb',
        points: points.map((p) => ({ x: p.simulated.averageInventoryValue, y: p.simulated.fillRate * 100, label: shareLabel(p) })),
      },
      {
        name: "today: demo planner's levels (simulated)",
        colour: '#d1242f',
        points: [{ x: today.averageInventoryValue, y: today.fillRate * 100, label: 'today' }],
      },
    ],
  });
  writeFileSync(options.chart, svg);
  process.stderr.write(`chart written to ${options.chart}\n`);
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new InvalidArgumentError('expected whole numbers, comma-separated');
  return sizes;
}

main();
