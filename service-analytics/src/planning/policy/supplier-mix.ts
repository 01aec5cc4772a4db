import { eoq, roundToSupplier } from './order-quantity.js';
import type { CostSettings } from './policy.types.js';

/**
 * SUPPLIER_MIX (issue 17): per SKU × location the supplier — or the split of
 * its demand between two — with the lowest expected yearly cost of buying,
 * ordering and holding, where holding includes the safety stock the supplier's
 * lead time and its measured spread need. A supplier serving a share f of the
 * demand runs its own (r, Q) stream on f·D: Q = the EOQ on f·D rounded to its
 * minimum and pack; safety stock k·f·√(L·σ_d² + μ_d²·σ_L²) (a share of each day's
 * demand, so σ scales with f); a year's cost
 *
 *   c·f·D + S·f·D/Q + h·c·(Q/2 + safety stock).
 *
 * Splits of 10 % steps between every two suppliers are priced beside each
 * supplier alone. With these costs a split is never cheaper than the better of
 * its two suppliers alone (ordering + cycle stock grow with √f, concave; the
 * rest is linear in f), so the answer is a single supplier unless whole-unit
 * rounding of a minimum or pack makes a split cheaper — the grid says so
 * rather than assuming it, and would price a supplier capacity if one is added.
 */

export interface MixSupplier {
  supplierCode: string;
  unitCost: number;
  minimumOrderQuantity: number;
  packSize: number;
  /** Effective lead time (quoted + measured mean delay) and its σ, in days. */
  leadTimeDays: number;
  leadTimeStdDays: number;
}

export interface SupplierMixInput {
  annualDemand: number;
  dailyMean: number;
  dailyStd: number;
  /** Safety factor k (from the pair's service level). */
  safetyFactor: number;
  costs: CostSettings;
  suppliers: readonly MixSupplier[];
}

export interface MixShare {
  supplierCode: string;
  share: number;
  orderQuantity: number;
  safetyStock: number;
  /** A year's purchase + ordering + holding cost of this share. */
  yearlyCost: number;
}

export interface SupplierMix {
  shares: MixShare[];
  yearlyCost: number;
}

/** The steps a split is priced at: 10 %, 20 %, … 90 % to the first supplier. */
export const MIX_STEPS = 10;

/** One supplier's yearly cost for a share of the demand. */
export function shareCost(input: SupplierMixInput, supplier: MixSupplier, share: number): MixShare {
  const demand = input.annualDemand * share;
  const { holdingCostRate, orderingCost } = input.costs;
  const free = demand > 0 ? eoq({ annualDemand: demand, orderingCost, unitCost: supplier.unitCost, holdingCostRate }) : 0;
  const orderQuantity = roundToSupplier(Math.max(1, free), supplier.minimumOrderQuantity, supplier.packSize);
  const sigma = Math.sqrt(supplier.leadTimeDays * input.dailyStd ** 2 + input.dailyMean ** 2 * supplier.leadTimeStdDays ** 2);
  const safetyStock = Math.max(0, input.safetyFactor * share * sigma);
  const yearlyCost =
    supplier.unitCost * demand +
    (demand > 0 ? (orderingCost * demand) / orderQuantity : 0) +
    holdingCostRate * supplier.unitCost * (orderQuantity / 2 + safetyStock);
  return { supplierCode: supplier.supplierCode, share, orderQuantity, safetyStock, yearlyCost };
}

/**
 * The cheapest supplier or two-way split (ties: fewer suppliers, then the
 * order given). Suppliers must not be empty.
 *
 * @example optimiseSupplierMix({ annualDemand: 3650, dailyMean: 10, dailyStd: 3, safetyFactor: 1.65, costs, suppliers: [a, b] })
 *   // { shares: [{ supplierCode: 'SUP-B', share: 1, orderQuantity: 191, safetyStock: 14.3, yearlyCost: 36_9xx }], yearlyCost: 36_9xx }
 */
export function optimiseSupplierMix(input: SupplierMixInput): SupplierMix {
  if (input.suppliers.length === 0) throw new RangeError('no supplier to choose from');
  let best: SupplierMix | null = null;
  const consider = (shares: MixShare[]) => {
    const yearlyCost = shares.reduce((s, x) => s + x.yearlyCost, 0);
    if (best === null || yearlyCost < best.yearlyCost - 1e-9) best = { shares, yearlyCost };
  };
  for (const supplier of input.suppliers) consider([shareCost(input, supplier, 1)]);
  for (let a = 0; a < input.suppliers.length; a++)
    for (let b = a + 1; b < input.suppliers.length; b++)
      for (let step = 1; step < MIX_STEPS; step++) {
        const share = step / MIX_STEPS;
        consider([shareCost(input, input.suppliers[a]!, share), shareCost(input, input.suppliers[b]!, 1 - share)]);
      }
  return best!;
}
