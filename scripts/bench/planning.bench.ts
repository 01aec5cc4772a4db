/**
 * Replenishment planning (issue 14, "Done when").
 *
 *   pnpm bench:planning [--products 100] [--days 180] [--warmup 365] [--seed 42] [--timing 10000,100000] [--json]
 *
 * A deterministic replay of the demo business's last `--days` days, day by
 * day, with the generator's true demand (unserved demand is lost) and each
 * order delivered by its supplier's own reliability (the generator's
 * `planDeliveries`), under three policies deciding each morning with only
 * what is known by then: (a) the product master's reorder points, (b) a
 * static min/max per SKU × location tuned in hindsight on the window (the min
 * searched, the order cycle (c)'s 7 days; (b′) the cycle searched too), (c)
 * this planning's `decide()` on forecasts refitted weekly. Then `decide()`
 * alone timed over synthetic pairs. The report goes to stdout, progress to stderr.
 */
import { loadavg } from 'node:os';
import { dayKey } from '../src/demo/index.js';
import { describeMachine } from '../src/bench-kit/machine.js';
import { phaseProgress } from '../src/forecast-bench/progress.js';
import { alertQualityWatcher } from '../src/planning-sim/alert-quality.js';

/** Probability thresholds the alert-quality sweep reports beside the production rule (the mean projection). */
const ALERT_PROBABILITY_SWEEP = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7];
import { timeDecide } from '../src/planning-sim/decide-timing.js';
import { parsePlanningBenchOptions } from '../src/planning-sim/options.js';
import { PLANNING_SETUP, planningPolicy, serviceTargets } from '../src/planning-sim/planning-policy.js';
import { replay, type PolicyResult, type ReplayPolicy } from '../src/planning-sim/replay.js';
import { checkTargets, fillByClass, renderReport, type PlanningBenchReport } from '../src/planning-sim/report.js';
import { buildScenario, type Scenario } from '../src/planning-sim/scenario.js';
import {
  FREE_CYCLE_DAYS,
  hindsightFrontier,
  minMaxPolicy,
  precedingPeriod,
  productMasterPolicy,
  tuneMinMax,
  type TunedLevels,
} from '../src/planning-sim/static-policies.js';

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;

function main(): void {
  const options = parsePlanningBenchOptions(process.argv.slice(2));
  log(`bench:planning on ${describeMachine()}`);
  const building = performance.now();
  const scenario = buildScenario({ seed: options.seed, products: options.products, days: options.days, warmupDays: options.warmup, endDay: options.endDay });
  const scenarioSeconds = seconds(building);
  log(`demo business: ${scenario.pairs.length} pairs, window ${dayKey(scenario.firstDay)} … ${dayKey(scenario.lastDay)} (${scenarioSeconds.toFixed(1)} s)`);
  const targets = serviceTargets(scenario);
  const windowDemand = (pair: (typeof scenario.pairs)[number]) => pair.demand.reduce((a, b) => a + b, 0);
  const totalDemand = scenario.pairs.reduce((sum, pair) => sum + windowDemand(pair), 0);
  const aimedFillRate = scenario.pairs.reduce((sum, pair) => sum + targets.get(pair)! * windowDemand(pair), 0) / totalDemand;

  const policies: PolicyResult[] = [];
  const run = (label: string, policy: ReplayPolicy) => {
    const bar = phaseProgress(label, options.days);
    const { result, states } = replay(scenario, policy, (d) => bar.update(d));
    bar.stop();
    policies.push(result);
    return states;
  };
  const tuneAll = (label: string, period: Scenario, cycleDays: readonly number[]) => {
    const bar = phaseProgress(label, period.pairs.length);
    const levels = new Map<number, TunedLevels>();
    for (const pair of period.pairs) {
      levels.set(pair.index, tuneMinMax(period, pair, targets.get(scenario.pairs[pair.index]!)!, cycleDays));
      bar.update(levels.size);
    }
    bar.stop();
    return levels;
  };

  let started = performance.now();
  run('(a) product master', productMasterPolicy());
  const secondsA = seconds(started);

  // (b) orders the same cycle as (c): its review period's demand (here the window's actual mean); (b′) also picks the cycle, ordering costs
  // ignored; (b″) is tuned the same way as (b) but on the period before the window, the way a static min/max is set in practice.
  started = performance.now();
  const cycle = [PLANNING_SETUP.reviewPeriodDays];
  const tuned = tuneAll('(b) tuning min', scenario, cycle);
  run(
    '(b) tuned min/max',
    minMaxPolicy(`(b) min/max tuned in hindsight, ${cycle[0]}-day cycle`, (pair) => tuned.get(pair.index)!),
  );
  const secondsB = seconds(started);

  started = performance.now();
  // (c) also raises STOCKOUT_PREDICTED alerts each morning, as a planning run does: their precision and recall (issue 16).
  const alertWatch = alertQualityWatcher(scenario, PLANNING_SETUP.reviewPeriodDays);
  // The same mornings judged by a probability rule instead of the mean projection: P(run out by day d) ≥ p.
  const sweep = ALERT_PROBABILITY_SWEEP.map((p) => ({ p, watch: alertQualityWatcher(scenario, PLANNING_SETUP.reviewPeriodDays, p) }));
  const planning = planningPolicy(scenario, targets, {
    onDecision: (state, day, seen) => {
      alertWatch.observe(state, day, seen);
      for (const { watch } of sweep) watch.observe(state, day, seen);
    },
  });
  const planningStates = run('(c) planning', planning);
  const alertQuality = alertWatch.result(planningStates);
  for (const { p, watch } of sweep) {
    const q = watch.result(planningStates);
    console.log(
      `alert rule P(stock-out) ≥ ${p}: precision ${((q.precision ?? 0) * 100).toFixed(1)} % (${q.alertsFollowedByStockout}/${q.alerts}), recall ${((q.recall ?? 0) * 100).toFixed(1)} % (${q.stockoutsAlertedInTime}/${q.stockouts})`,
    );
  }
  const secondsC = seconds(started);

  const tunedFree = tuneAll("(b') tuning min, cycle", scenario, FREE_CYCLE_DAYS);
  run(
    "(b') tuned min/max",
    minMaxPolicy("(b') min/max and cycle tuned in hindsight", (pair) => tunedFree.get(pair.index)!),
  );
  const tunedBefore = tuneAll('(b") tuning before', precedingPeriod(scenario), cycle);
  run(
    '(b") min/max',
    minMaxPolicy(`(b") min/max tuned on the ${options.days} days before, ${cycle[0]}-day cycle`, (pair) => tunedBefore.get(pair.index)!),
  );

  // (c′) the same planning with one tenant-wide fill-rate target, (b)'s, spread over the pairs for the least stock (`targetFillRate`).
  const tunedFillRate = policies[1]!.fillRate;
  const allocated = planningPolicy(scenario, targets, { targetFillRate: tunedFillRate });
  allocated.name = `(c′) planning, one ${(tunedFillRate * 100).toFixed(2)} % target allocated`;
  run("(c') planning, allocated", allocated);
  log('hindsight frontier…');
  const [bound] = hindsightFrontier(scenario, [tunedFillRate]);

  const timing = options.timing.map((pairs) => {
    log(`timing decide() over ${pairs} synthetic pairs…`);
    return timeDecide(pairs, options.seed);
  });

  const report: PlanningBenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    loadAverage: loadavg(),
    command: `pnpm bench:planning ${process.argv.slice(2).join(' ')}`.trim(),
    scenario: {
      seed: options.seed,
      products: options.products,
      pairs: scenario.pairs.length,
      days: options.days,
      warmupDays: options.warmup,
      window: [dayKey(scenario.firstDay), dayKey(scenario.lastDay)],
      seconds: scenarioSeconds,
    },
    policies,
    aimedFillRate,
    byClass: fillByClass(scenario, planningStates, targets),
    tunedPairsReachingTarget: [...tuned.values()].filter((t) => t.reachedTarget).length,
    checks: checkTargets(policies[1]!, policies[2]!, aimedFillRate),
    checksAgainstFreeCycle: checkTargets(policies[3]!, policies[2]!, aimedFillRate),
    checksAgainstPrecedingTuning: checkTargets(policies[4]!, policies[2]!, aimedFillRate),
    checksAllocated: checkTargets(policies[1]!, policies[5]!, tunedFillRate),
    hindsightBound: bound ?? null,
    shortagePrices: { first: allocated.shortagePrices[0] ?? null, last: allocated.shortagePrices.at(-1) ?? null },
    refits: planning.refits,
    alertQuality,
    timing,
    seconds: { a: secondsA, b: secondsB, c: secondsC },
  };
  process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderReport(report)}\n`);
}

main();
