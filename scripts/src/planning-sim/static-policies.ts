import { roundToSupplier } from '@icc/service-analytics/planning-policy';
import { initialState, positionOf, stepPair, type PairState, type ReplayPolicy } from './replay.js';
import type { Pair, Scenario } from './scenario.js';

/** A static (s, S) rule per pair: order up to `max` from the preferred supplier when the position falls to `min` (−1: never order). */
export interface MinMax {
  min: number;
  max: number;
}

/** A policy that orders by a fixed min/max per pair, rounded to the preferred supplier's minimum and pack. */
export function minMaxPolicy(name: string, levels: (pair: Pair) => MinMax): ReplayPolicy {
  return {
    name,
    order(state: PairState) {
      const { min, max } = levels(state.pair);
      const position = positionOf(state);
      if (position > min) return null;
      const link = state.pair.preferredLink;
      const quantity = roundToSupplier(max - position, link.minimumOrderQuantity, link.packSize);
      return quantity > 0 ? { quantity, supplierCode: link.supplierCode } : null;
    },
  };
}

/** (a) The product master's reorder points: what the demo generator's own planner set up (reorder point and order-up-to per pair). */
export function productMasterPolicy(): ReplayPolicy {
  return minMaxPolicy('(a) product master reorder points', (pair) => ({ min: pair.reorderPoint, max: pair.orderUpTo }));
}

/** Order cycles a free tuning tries, in days of the window's mean demand. */
export const FREE_CYCLE_DAYS = [1, 3, 7, 14, 21, 28, 42, 63];

export interface TunedLevels extends MinMax {
  fillRate: number;
  averageInventoryValue: number;
  reachedTarget: boolean;
}

/** Replay one pair alone with a fixed min/max (pairs do not interact under a static rule). */
function replayPairWith(scenario: Scenario, pair: Pair, levels: MinMax): { fillRate: number; averageInventoryValue: number } {
  const state = initialState(scenario, pair);
  const policy = minMaxPolicy('tuning', () => levels);
  for (let day = scenario.firstDay; day <= scenario.lastDay; day++) stepPair(scenario, state, day, policy);
  return {
    fillRate: state.demanded > 0 ? state.served / state.demanded : 1,
    averageInventoryValue: state.inventoryValueDays / (scenario.lastDay - scenario.firstDay + 1),
  };
}

/**
 * (b) Min/max tuned in hindsight, on the replayed window itself: for each
 * order cycle given (in days of the window's actual mean demand, rounded to
 * the preferred supplier's minimum and pack), the lowest min that reaches the
 * pair's target fill rate (binary search: a higher min never serves less),
 * then the combination with the lowest average inventory value. A pair that
 * cannot reach its target (stock short before any order could arrive) keeps
 * the combination with the highest fill rate.
 */
export function tuneMinMax(scenario: Scenario, pair: Pair, targetFillRate: number, cycleDays: readonly number[]): TunedLevels {
  const total = pair.demand.reduce((a, b) => a + b, 0);
  const meanDaily = total / pair.demand.length;
  const link = pair.preferredLink;
  const cycles = [...new Set(cycleDays.map((days) => roundToSupplier(Math.max(1, meanDaily * days), link.minimumOrderQuantity, link.packSize)))];
  const chosen: { best: TunedLevels | null } = { best: null };
  const consider = (levels: MinMax, outcome: { fillRate: number; averageInventoryValue: number }) => {
    const best = chosen.best;
    const candidate = { ...levels, ...outcome, reachedTarget: outcome.fillRate >= targetFillRate - 1e-12 };
    const better =
      best === null ||
      (candidate.reachedTarget && !best.reachedTarget) ||
      (candidate.reachedTarget === best.reachedTarget &&
        (candidate.reachedTarget
          ? candidate.averageInventoryValue < best.averageInventoryValue
          : candidate.fillRate > best.fillRate || (candidate.fillRate === best.fillRate && candidate.averageInventoryValue < best.averageInventoryValue)));
    if (better) chosen.best = candidate;
  };
  const never = { min: -1, max: 0 };
  consider(never, replayPairWith(scenario, pair, never));
  for (const cycle of cycles) {
    let low = -1;
    let high = Math.ceil(total) + 1;
    const highest = replayPairWith(scenario, pair, { min: high, max: high + cycle });
    consider({ min: high, max: high + cycle }, highest);
    if (highest.fillRate < targetFillRate) continue;
    // Invariant: min = high reaches the target, min = low does not (−1 never orders).
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      const outcome = replayPairWith(scenario, pair, { min: mid, max: mid + cycle });
      consider({ min: mid, max: mid + cycle }, outcome);
      if (outcome.fillRate >= targetFillRate) high = mid;
      else low = mid;
    }
  }
  return chosen.best!;
}

/**
 * The period of the window's length just before it, as a scenario of its own
 * (true demand from the history, the stock counted at its start, no orders
 * under way): where a static min/max can be tuned without seeing the window.
 */
export function precedingPeriod(scenario: Scenario): Scenario {
  const days = scenario.lastDay - scenario.firstDay + 1;
  const offset = scenario.firstDay - days - scenario.historyStart;
  if (offset < 0) throw new RangeError(`the history before the window is shorter than the window (${days} days)`);
  return {
    ...scenario,
    firstDay: scenario.firstDay - days,
    lastDay: scenario.firstDay - 1,
    pairs: scenario.pairs.map((pair) => ({
      ...pair,
      demand: pair.pastDemand.slice(offset, offset + days),
      openingStock: pair.precedingOpeningStock,
      inherited: [],
    })),
  };
}

/** One point of the hindsight frontier: the least inventory any per-pair static min/max reaches a fill rate with. */
export interface FrontierPoint {
  fillRate: number;
  averageInventoryValue: number;
}

/**
 * A lower bound for static policies: each pair's min/max (the 7-day cycle of
 * (b)) chosen in hindsight on the window, *and* the fill rate spread across the
 * pairs for the least total inventory — marginal analysis over each pair's
 * replayed curve of (units served, inventory value) as its min rises, always
 * taking the step that serves the most units per unit of inventory value
 * added, until the total reaches each fill rate asked for. No policy that
 * knows only the past can be expected to get under it.
 */
export function hindsightFrontier(scenario: Scenario, fillRates: readonly number[], cycleDays = 7): FrontierPoint[] {
  const days = scenario.lastDay - scenario.firstDay + 1;
  const curves = scenario.pairs.map((pair) => {
    const total = pair.demand.reduce((a, b) => a + b, 0);
    const link = pair.preferredLink;
    const cycle = roundToSupplier(Math.max(1, (total / pair.demand.length) * cycleDays), link.minimumOrderQuantity, link.packSize);
    const points: { served: number; inventory: number }[] = [];
    for (let min = -1; min <= Math.ceil(total) + 1; min++) {
      const state = initialState(scenario, pair);
      const policy = minMaxPolicy('frontier', () => ({ min, max: min + cycle }));
      for (let day = scenario.firstDay; day <= scenario.lastDay; day++) stepPair(scenario, state, day, policy);
      points.push({ served: state.served, inventory: state.inventoryValueDays / days });
      if (state.served === state.demanded) break;
    }
    return points;
  });
  const demanded = scenario.pairs.reduce((sum, pair) => sum + pair.demand.reduce((a, b) => a + b, 0), 0);
  const at = curves.map(() => 0);
  let served = curves.reduce((sum, c) => sum + c[0]!.served, 0);
  let inventory = curves.reduce((sum, c) => sum + c[0]!.inventory, 0);
  const wanted = [...fillRates].sort((a, b) => a - b);
  const found: FrontierPoint[] = [];
  const record = () => {
    while (wanted.length > 0 && served / demanded >= wanted[0]!) {
      found.push({ fillRate: served / demanded, averageInventoryValue: inventory });
      wanted.shift();
    }
  };
  record();
  while (wanted.length > 0) {
    let best: { pair: number; to: number; ratio: number } | null = null;
    curves.forEach((points, pair) => {
      const from = points[at[pair]!]!;
      for (let to = at[pair]! + 1; to < points.length; to++) {
        const gained = points[to]!.served - from.served;
        const added = points[to]!.inventory - from.inventory;
        if (gained <= 0) continue;
        const ratio = added <= 0 ? Infinity : gained / added;
        if (best === null || ratio > best.ratio) best = { pair, to, ratio };
      }
    });
    if (best === null) break; // every pair serves all it can
    const { pair, to } = best as { pair: number; to: number };
    served += curves[pair]![to]!.served - curves[pair]![at[pair]!]!.served;
    inventory += curves[pair]![to]!.inventory - curves[pair]![at[pair]!]!.inventory;
    at[pair] = to;
    record();
  }
  return found;
}
