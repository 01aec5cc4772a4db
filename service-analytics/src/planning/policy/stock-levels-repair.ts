import { costAt, type ItemCurve } from './stock-levels-curve.js';

/**
 * The whole-unit repair after the Lagrangian step of `stock-levels.ts`
 * (marginal analysis, Silver, Pyke & Thomas §7.8): first take units away where
 * a constraint is exceeded, the unit whose removal costs least per unit of the
 * exceeded resource first; then spend what is left of every constraint on the
 * units that save most per share of the resources they use, as long as they fit.
 */

/** What the repair works on: levels in place, with the constraints they must keep. */
export interface RepairState {
  curves: readonly ItemCurve[];
  levels: Float64Array;
  budget: number | null;
  /** Per capacity group: its limit and members; `groupOf[i]` is −1 for an item no capacity counts. */
  groups: readonly { limit: number; members: readonly number[] }[];
  groupOf: Int32Array;
}

/** A max-heap of item indices by priority. */
class PriorityQueue {
  private readonly items: number[] = [];
  private readonly keys: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: number, key: number): void {
    this.items.push(item);
    this.keys.push(key);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! >= this.keys[i]!) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): number {
    const top = this.items[0]!;
    const lastItem = this.items.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.items.length > 0) {
      this.items[0] = lastItem;
      this.keys[0] = lastKey;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let largest = i;
        if (left < this.items.length && this.keys[left]! > this.keys[largest]!) largest = left;
        if (right < this.items.length && this.keys[right]! > this.keys[largest]!) largest = right;
        if (largest === i) break;
        this.swap(i, largest);
        i = largest;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
  }
}

/** Money or space to spare below a limit counts as zero within this share of it (float sums of 100,000 items). */
const SLACK_TOLERANCE = 1e-9;

/** Take whole units away until no constraint is exceeded: space group by group, then the budget. */
export function repairExcess(
  state: RepairState,
  budgetUsed: number,
  spaceUsed: number[],
  frozen: ReadonlySet<number> = new Set(),
): { budgetUsed: number; spaceUsed: number[] } {
  const { curves, levels, groups, budget } = state;
  const used = [...spaceUsed];
  let money = budgetUsed;
  const takeAway = (candidates: readonly number[], resource: (i: number) => number, excess: () => number) => {
    const queue = new PriorityQueue();
    const push = (i: number) => {
      const level = levels[i]!;
      const freed = resource(i);
      if (level > curves[i]!.low && freed > 0 && !frozen.has(i)) queue.push(i, -(costAt(curves[i]!.item, level - 1) - costAt(curves[i]!.item, level)) / freed);
    };
    candidates.forEach(push);
    while (excess() > 0 && queue.size > 0) {
      const i = queue.pop();
      const { item } = curves[i]!;
      levels[i] = levels[i]! - 1;
      money -= item.unitCost;
      if (state.groupOf[i]! >= 0) used[state.groupOf[i]!] = used[state.groupOf[i]!]! - item.space;
      push(i);
    }
  };
  groups.forEach((group, g) => {
    takeAway(
      group.members,
      (i) => curves[i]!.item.space,
      () => used[g]! - group.limit * (1 + SLACK_TOLERANCE),
    );
  });
  if (budget !== null) {
    takeAway(
      curves.map((_, i) => i),
      (i) => curves[i]!.item.unitCost,
      () => money - budget * (1 + SLACK_TOLERANCE),
    );
  }
  return { budgetUsed: money, spaceUsed: used };
}

/**
 * Add whole units while they fit and save money: each unit's saving divided by
 * the share of the budget and of its group's space it would take.
 */
export function fillSlack(
  state: RepairState,
  budgetUsed: number,
  spaceUsed: number[],
  frozen: ReadonlySet<number> = new Set(),
): { budgetUsed: number; spaceUsed: number[] } {
  const { curves, levels, groups, groupOf, budget } = state;
  const used = [...spaceUsed];
  let money = budgetUsed;
  const queue = new PriorityQueue();
  const share = (i: number) => {
    const { item } = curves[i]!;
    const g = groupOf[i]!;
    return (budget !== null && budget > 0 ? item.unitCost / budget : 0) + (g >= 0 && groups[g]!.limit > 0 ? item.space / groups[g]!.limit : 0);
  };
  const push = (i: number) => {
    const level = levels[i]!;
    if (level >= curves[i]!.high || frozen.has(i)) return;
    const saving = costAt(curves[i]!.item, level) - costAt(curves[i]!.item, level + 1);
    if (saving > 0) queue.push(i, saving / Math.max(share(i), Number.MIN_VALUE));
  };
  curves.forEach((_, i) => push(i));
  while (queue.size > 0) {
    const i = queue.pop();
    const { item } = curves[i]!;
    const g = groupOf[i]!;
    const fitsBudget = budget === null || money + item.unitCost <= budget * (1 + SLACK_TOLERANCE);
    const fitsSpace = g < 0 || used[g]! + item.space <= groups[g]!.limit * (1 + SLACK_TOLERANCE);
    // Slack only shrinks: a unit that does not fit now never will, nor the item's next ones.
    if (!fitsBudget || !fitsSpace) continue;
    levels[i] = levels[i]! + 1;
    money += item.unitCost;
    if (g >= 0) used[g] = used[g]! + item.space;
    push(i);
  }
  return { budgetUsed: money, spaceUsed: used };
}

/** Up to this many items the exchange search runs (it tries every pair of items, once per improving move). */
export const EXCHANGE_MAX_ITEMS = 64;

/**
 * Take one unit from one or two items, or give one item one more and take
 * units from one other item (or from the others, cheapest first) until the limits hold; refill greedily without undoing
 * the move, and keep the result when it costs less; repeat until no such move
 * helps. The Lagrangian levels and the greedy fill can miss the
 * optimum by a unit here and there (the duality gap of whole units): with many
 * items that is a negligible share of the total, with a few it is not (2.8 %
 * on one seeded 7-item instance of the spec before this step), so the few get
 * this search.
 */
export function exchangeUnits(state: RepairState, budgetUsed: number, spaceUsed: number[]): { budgetUsed: number; spaceUsed: number[] } {
  const { curves, levels, groupOf } = state;
  let current = { budgetUsed, spaceUsed: [...spaceUsed] };
  if (curves.length > EXCHANGE_MAX_ITEMS) return current;
  const total = (values: Float64Array) => curves.reduce((sum, curve, i) => sum + costAt(curve.item, values[i]!), 0);
  let cost = total(levels);
  /** Apply a move to a copy of the levels, repair and refill around it (the moved items stay as moved), keep it if cheaper. */
  const attempt = (taken: readonly number[], added: number | null, drainFrom: number | null = null): boolean => {
    const trial = Float64Array.from(levels);
    let money = current.budgetUsed;
    const used = [...current.spaceUsed];
    const move = (i: number, units: number) => {
      trial[i] = trial[i]! + units;
      money += units * curves[i]!.item.unitCost;
      if (groupOf[i]! >= 0) used[groupOf[i]!] = used[groupOf[i]!]! + units * curves[i]!.item.space;
    };
    for (const i of taken) {
      if (trial[i]! <= curves[i]!.low) return false;
      move(i, -1);
    }
    if (added !== null) {
      if (trial[added]! >= curves[added]!.high) return false;
      move(added, 1);
    }
    if (drainFrom !== null) {
      while (!withinLimits(state, { budgetUsed: money, spaceUsed: used }) && trial[drainFrom]! > curves[drainFrom]!.low) move(drainFrom, -1);
    }
    const moved = new Set([...taken, ...(added === null ? [] : [added]), ...(drainFrom === null ? [] : [drainFrom])]);
    const repaired = repairExcess({ ...state, levels: trial }, money, used, moved);
    const refilled = fillSlack({ ...state, levels: trial }, repaired.budgetUsed, repaired.spaceUsed, moved);
    if (!withinLimits(state, refilled)) return false;
    const trialCost = total(trial);
    if (trialCost >= cost - 1e-9 * Math.max(1, cost)) return false;
    levels.set(trial);
    cost = trialCost;
    current = refilled;
    return true;
  };
  for (let round = 0; round < 100 * curves.length; round++) {
    let improved = false;
    for (let a = 0; a < curves.length && !improved; a++) {
      improved = attempt([a], null) || attempt([], a);
      for (let b = 0; b < curves.length && !improved; b++) {
        if (b === a) continue;
        improved = (b > a && attempt([a, b], null)) || attempt([], b, a);
      }
    }
    if (!improved) break;
  }
  return current;
}

function withinLimits(state: RepairState, usage: { budgetUsed: number; spaceUsed: number[] }): boolean {
  if (state.budget !== null && usage.budgetUsed > state.budget * (1 + SLACK_TOLERANCE)) return false;
  return state.groups.every((group, g) => usage.spaceUsed[g]! <= group.limit * (1 + SLACK_TOLERANCE));
}
