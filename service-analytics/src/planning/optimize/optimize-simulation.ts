import { roundToSupplier } from '../policy/index.js';

/**
 * The replenishment simulation an optimisation run measures its saving with
 * (issue 17: `savingsIdentified` "measured by the planning simulation, not
 * guessed"): one SKU × location replayed day by day under a continuous-review
 * (r, Q) rule — each morning the orders due arrive, while the position (on hand
 * + on order) is at or below r one order of Q (rounded to the supplier's
 * minimum and pack) is placed, then the day's demand is served from stock and
 * the rest is lost. Demand is drawn from the pair's forecast (normal, daily
 * mean and σ, whole units, never below 0) and each order's lead time from the
 * supplier's effective lead time and its σ, from a stream seeded by the SKU,
 * location and seed: today's rule and the proposed one see **the same days'
 * demand and the same n-th order's lead time** (common random numbers), so
 * their difference is the rules', not the dice's. Each rule starts at its own
 * order-up-to r + Q with nothing on order, and the first `warmupDays` are not
 * counted, so neither starts from an arbitrary stock.
 *
 * Unlike the bench's `scripts/src/planning-sim` (which replays the demo
 * business's true history), this runs on a tenant's own forecasts inside the
 * service, where no future demand exists to replay.
 */

export interface SimulatedPair {
  sku: string;
  locationCode: string;
  dailyMean: number;
  dailyStd: number;
  leadTimeDays: number;
  leadTimeStdDays: number;
  unitCost: number;
  holdingCostRate: number;
  orderingCost: number;
  /** Lost margin per unit short. */
  shortageCost: number;
  minimumOrderQuantity: number;
  packSize: number;
}

export interface SimulatedRule {
  reorderPoint: number;
  orderQuantity: number;
}

export interface SimulatedOutcome {
  holdingCost: number;
  orderingCost: number;
  lostMarginCost: number;
  demanded: number;
  served: number;
  orders: number;
}

export const SIMULATION = { days: 365, warmupDays: 56, seed: 17 } as const;

/** FNV-1a of a string: the pair's stream seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a seeded stream in [0, 1). */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a uniform stream. */
function normals(uniform: () => number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(uniform(), 1e-12);
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** The draws both rules share: each day's demand and the n-th order's lead time (drawn as far as asked, the same sequence whoever asks first). */
export interface SimulationDraws {
  demand: Int32Array;
  leadTime(order: number): number;
}

/** Draw a pair's days (warm-up included) once, and its orders' lead times on demand, for every rule simulated on it. */
export function drawDays(pair: SimulatedPair, options: { days: number; warmupDays: number; seed: number } = SIMULATION): SimulationDraws {
  const total = options.days + options.warmupDays;
  const base = hash(`${options.seed}\u0000${pair.sku}\u0000${pair.locationCode}`);
  const z = normals(stream(base), total);
  const demand = new Int32Array(total);
  for (let d = 0; d < total; d++) demand[d] = Math.max(0, Math.round(pair.dailyMean + pair.dailyStd * z[d]!));
  if (!(pair.leadTimeStdDays > 0)) {
    const fixed = Math.max(0, Math.round(pair.leadTimeDays));
    return { demand, leadTime: () => fixed };
  }
  const uniform = stream(base ^ 0x9e3779b9);
  const leadTimes: number[] = [];
  const leadTime = (order: number) => {
    while (leadTimes.length <= order) {
      const pairOfNormals = normals(uniform, 2);
      for (const x of pairOfNormals) leadTimes.push(Math.max(0, Math.round(pair.leadTimeDays + pair.leadTimeStdDays * x)));
    }
    return leadTimes[order]!;
  };
  return { demand, leadTime };
}

/**
 * One rule over the drawn days: costs over the counted days (holding on the
 * stock left each evening, ordering per order placed, lost margin per unit short).
 *
 * @example simulateRule(pair, { reorderPoint: 40, orderQuantity: 100 }, drawDays(pair))
 *   // { holdingCost: 612.5, orderingCost: 900, lostMarginCost: 0, demanded: 3650, served: 3650, orders: 36 }
 */
export function simulateRule(
  pair: SimulatedPair,
  rule: SimulatedRule,
  draws: SimulationDraws,
  options: { days: number; warmupDays: number } = SIMULATION,
): SimulatedOutcome {
  const quantity = roundToSupplier(Math.max(1, rule.orderQuantity), pair.minimumOrderQuantity, pair.packSize);
  const total = options.days + options.warmupDays;
  const arrivals = new Float64Array(total + 1);
  let onHand = Math.max(0, Math.round(rule.reorderPoint + quantity));
  let onOrder = 0;
  let placed = 0;
  const out: SimulatedOutcome = { holdingCost: 0, orderingCost: 0, lostMarginCost: 0, demanded: 0, served: 0, orders: 0 };
  const holdingPerUnitDay = (pair.unitCost * pair.holdingCostRate) / 365;
  for (let day = 0; day < total; day++) {
    const counted = day >= options.warmupDays;
    if (arrivals[day]! > 0) {
      onHand += arrivals[day]!;
      onOrder -= arrivals[day]!;
    }
    for (let n = 0; n < 4 && onHand + onOrder <= rule.reorderPoint; n++) {
      const lead = draws.leadTime(placed++);
      onOrder += quantity;
      if (lead === 0) {
        onHand += quantity;
        onOrder -= quantity;
      } else arrivals[Math.min(total, day + lead)]! += quantity;
      if (counted) {
        out.orders++;
        out.orderingCost += pair.orderingCost;
      }
    }
    const wanted = draws.demand[day]!;
    const served = Math.min(wanted, onHand);
    onHand -= served;
    if (counted) {
      out.demanded += wanted;
      out.served += served;
      out.lostMarginCost += (wanted - served) * pair.shortageCost;
      out.holdingCost += onHand * holdingPerUnitDay;
    }
  }
  return out;
}

/** Sum outcomes over pairs. */
export function addOutcomes(a: SimulatedOutcome, b: SimulatedOutcome): SimulatedOutcome {
  return {
    holdingCost: a.holdingCost + b.holdingCost,
    orderingCost: a.orderingCost + b.orderingCost,
    lostMarginCost: a.lostMarginCost + b.lostMarginCost,
    demanded: a.demanded + b.demanded,
    served: a.served + b.served,
    orders: a.orders + b.orders,
  };
}

export const NO_OUTCOME: SimulatedOutcome = { holdingCost: 0, orderingCost: 0, lostMarginCost: 0, demanded: 0, served: 0, orders: 0 };
